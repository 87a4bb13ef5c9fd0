using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Indexing.Api;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary>
/// Decision 236: every refusal of the shared parameter reader carries a stable code and its arguments (what the console
/// says in the reader's language from), beside the API's English sentence, which stays word for word.
/// </summary>
public sealed class MentionQueryParametersCodesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static MentionQueryParameters Read(params (string Name, string Value)[] query) =>
        new(new QueryCollection(query.ToDictionary(q => q.Name, q => new StringValues(q.Value))), Now);

    [Theory]
    [InlineData("from", "yesterday", ParameterCodes.NotADate, "'yesterday' is not a date or time; use ISO 8601 such as 2026-11-01 or 2026-11-01T08:00:00+08:00.", "yesterday")]
    [InlineData("from", "1900-01-01", ParameterCodes.OutsideSearchableRange, "'1900-01-01' is outside the searchable range 2000-01-01 to 2027-12-07.", "1900-01-01|2000-01-01|2027-12-07")]
    [InlineData("sentiment", "angry", ParameterCodes.NotASentiment, "'angry' is not a sentiment; use negative, neutral or positive.", "angry")]
    [InlineData("minReach", "-5", ParameterCodes.NotAWholeNumberAtLeast, "'-5' is not a whole number of at least 0.", "-5|0|9223372036854775807")]
    [InlineData("q", "(退款", "query-unclosed-parenthesis", "'(退款' is not a valid search query: '(' at position 1 is never closed.", "1")]
    public void Filter_RefusesWithACodeAndArguments_AndTheApisSentence(string name, string value, string code, string message, string arguments)
    {
        var parameters = Read((name, value));
        parameters.Filter();

        var problem = parameters.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe(name);
        problem.Code.ShouldBe(code);
        problem.Arguments.ShouldBe(arguments.Split('|'));
        problem.Message.ShouldBe(message);
        parameters.Errors[name].ShouldBe([message]);
    }

    [Fact]
    public void ToNotAfterFrom_GivesBothAsTyped()
    {
        var parameters = Read(("from", "2026-11-05"), ("to", "2026-11-01"));
        parameters.Filter();

        var problem = parameters.Problems.ShouldHaveSingleItem();
        problem.Code.ShouldBe(ParameterCodes.ToNotAfterFrom);
        problem.Arguments.ShouldBe(["2026-11-01", "2026-11-05"]);
        problem.Message.ShouldBe("'to' (2026-11-01) must be after 'from' (2026-11-05); a date as 'to' includes its day.");
    }

    [Fact]
    public void ToNotAfterFrom_BetweenTwoInstants_SaysNothingOfDays()
    {
        var parameters = Read(("from", "2026-11-05T08:00:00Z"), ("to", "2026-11-05T08:00:00Z"));
        parameters.Filter();

        parameters.Problems.ShouldHaveSingleItem().Message.ShouldBe("'to' (2026-11-05T08:00:00Z) must be after 'from' (2026-11-05T08:00:00Z).");
    }

    /// <summary>
    /// Decision 260: the query's own zone wins over the console reader's, even UTC itself (+00:00), and an empty parameter is
    /// none (the review of decision 260: +00:00 was taken for "not given" and the page read the reader's days).
    /// </summary>
    [Fact]
    public void TheQuerysOwnZone_EvenUtc_WinsOverTheReaders()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        MentionQueryParameters WithReader(params (string Name, string Value)[] query) =>
            new(new QueryCollection(query.ToDictionary(q => q.Name, q => new StringValues(q.Value))), Now, readerZone: shanghai);

        var utc = WithReader(("from", "2026-11-05"), ("utcOffset", "+00:00"));
        utc.Filter().From.ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero));
        utc.NamesZone.ShouldBeTrue();

        var reader = WithReader(("from", "2026-11-05"), ("utcOffset", ""), ("timeZone", " "));
        reader.Filter().From.ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.FromHours(8)));
        reader.NamesZone.ShouldBeFalse();
        reader.Problems.ShouldBeEmpty();

        var newYork = WithReader(("from", "2026-11-05"), ("timeZone", "America/New_York"));
        newYork.Filter().From.ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.FromHours(-5)));
    }

    /// <summary>The window's last day, as the refusal names it, is searchable as a 'to' in the reader's zone too.</summary>
    [Fact]
    public void TheLastSearchableDay_AsTo_InTheReadersZone_IsTaken()
    {
        var parameters = Read(("to", "2027-12-07"), ("timeZone", "Asia/Shanghai"));

        parameters.Filter().To.ShouldBe(MentionDateOptions.Default.QueryLatest(Now));
        parameters.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void AnUnknownTimeZone_IsRefusedWithItsCode()
    {
        var parameters = Read(("timeZone", "Mars/Olympus_Mons"));

        parameters.TimeZone().ShouldBeNull();

        var problem = parameters.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("timeZone");
        problem.Code.ShouldBe(ParameterCodes.NotATimeZone);
        problem.Arguments.ShouldBe(["Mars/Olympus_Mons"]);
        problem.Message.ShouldBe("'Mars/Olympus_Mons' is not a time zone; use an IANA id such as America/New_York or Asia/Shanghai.");
    }

    /// <summary>
    /// Files of the host's zoneinfo folder that .NET loads but are no zones Elasticsearch's Java knows (the cluster refused
    /// them with a 500), and anything that could name a path.
    /// </summary>
    [Theory]
    [InlineData("posix/America/New_York")]
    [InlineData("right/Asia/Shanghai")]
    [InlineData("posixrules")]
    [InlineData("localtime")]
    [InlineData("Factory")]
    [InlineData("../../etc/passwd")]
    [InlineData("/usr/share/zoneinfo/Asia/Shanghai")]
    public void AZoneinfoFileThatIsNoZone_IsRefusedWithTheUnknownZonesCode(string id)
    {
        var parameters = Read(("timeZone", id));

        parameters.TimeZone().ShouldBeNull();
        parameters.Problems.ShouldHaveSingleItem().Code.ShouldBe(ParameterCodes.NotATimeZone);
        SentimentWatch.Core.Mentions.QueryTime.TryFindZone("America/New_York", out var newYork).ShouldBeTrue();
        newYork.ShouldNotBeNull().Id.ShouldBe("America/New_York");
        SentimentWatch.Core.Mentions.QueryTime.TryFindZone("UTC", out _).ShouldBeTrue();
    }

    [Fact]
    public void ATimeZoneWithAUtcOffset_IsRefusedOnBoth()
    {
        var parameters = Read(("timeZone", "America/New_York"), ("utcOffset", "-05:00"));

        parameters.TimeZone().ShouldBeNull();

        parameters.Problems.Select(p => (p.Field, p.Code)).ShouldBe([("timeZone", ParameterCodes.TimeZoneAndUtcOffset), ("utcOffset", ParameterCodes.TimeZoneAndUtcOffset)]);
        parameters.Problems[0].Arguments.ShouldBe(["America/New_York", "-05:00"]);
    }

    [Fact]
    public void AnIanaZone_IsRead()
    {
        var parameters = Read(("timeZone", "Asia/Shanghai"));

        parameters.TimeZone().ShouldNotBeNull().BaseUtcOffset.ShouldBe(TimeSpan.FromHours(8));
        parameters.Problems.ShouldBeEmpty();
    }

    /// <summary>?source=weibo&amp;source=reddit was read as the one source "weibo,reddit": no hit and no word why (decision 254).</summary>
    [Fact]
    public void ARepeatedParameter_IsRefusedOnce_NotJoinedWithCommas()
    {
        var parameters = new MentionQueryParameters(new QueryCollection(new Dictionary<string, StringValues> { ["source"] = new(["weibo", "reddit"]) }), Now);

        var filter = parameters.Filter();
        parameters.Filter();

        filter.Source.ShouldBeNull();
        var problem = parameters.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("source");
        problem.Code.ShouldBe(ParameterCodes.Repeated);
        problem.Arguments.ShouldBe(["source", "2"]);
        problem.Message.ShouldBe("'source' is given 2 times; give it once.");
    }

    [Fact]
    public void Choice_ListsEveryAllowedValueAfterTheOneGiven()
    {
        var parameters = Read(("sort", "loudest"), ("pageSize", "500"));
        parameters.Sort();
        parameters.Integer("pageSize", MentionQueryParameters.DefaultPageSize, 1, MentionQueryParameters.MaxPageSize);

        parameters.Problems.Select(p => p.Code).ShouldBe([ParameterCodes.NotAChoice, ParameterCodes.NotAWholeNumberInRange]);
        parameters.Problems[0].Arguments.ShouldBe(["loudest", "relevance", "newest", "oldest", "reach"]);
        parameters.Problems[0].Message.ShouldBe("'loudest' is not one of relevance, newest, oldest, reach.");
        parameters.Problems[1].Arguments.ShouldBe(["500", "1", "200"]);
    }
}
