using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary>Issue 17, item 1: no query, date or offset a user can type answers 500.</summary>
public sealed class MalformedQueryWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly IndexingApiFixture fixture = new();

    public async Task InitializeAsync()
    {
        await fixture.InitializeAsync();
        Mention[] mentions =
        [
            TestMentions.Create("now", "lumo refund please", TestMentions.Epoch, "weibo", "a", SentimentLabel.Negative),

            // Indexed before the intake door bounded publish times: the engines must still cope.
            TestMentions.Create("end-of-time", "lumo at the end of time", new DateTimeOffset(9999, 12, 31, 23, 0, 0, TimeSpan.Zero), "weibo", "b", SentimentLabel.Neutral),
            TestMentions.Create("start-of-time", "lumo at the start of time", new DateTimeOffset(1, 1, 1, 1, 0, 0, TimeSpan.Zero), "weibo", "c", SentimentLabel.Neutral),
        ];
        await fixture.Index.UpsertAsync(mentions, CancellationToken.None);
    }

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Theory]
    [InlineData("lumo AND", "'AND' at position 6 needs a term after it")]
    [InlineData("OR", "'OR' at position 1 needs a term before it")]
    [InlineData("NOT", "'NOT' at position 1 needs a term after it")]
    [InlineData("(lumo AND", "'AND' at position 7 needs a term after it")]
    [InlineData("(lumo", "'(' at position 1 is never closed")]
    [InlineData("lumo)", "')' at position 5 closes no '('")]
    [InlineData("()", "the parentheses at position 1 hold nothing")]
    [InlineData("lumo OR OR refund", "'OR' at position 6 needs a term after it")]
    [InlineData("AND lumo", "'AND' at position 1 needs a term before it")]
    [InlineData("lumo && ||", "'&&' at position 6 needs a term after it")]
    [InlineData("source:", "'source:' at position 1 needs a value after it")]
    [InlineData("lumo AND NOT", "'NOT' at position 10 needs a term after it")]
    public async Task A_malformed_query_is_a_400_naming_the_problem_and_its_position_on_search_stats_and_export(string q, string expected)
    {
        foreach (var path in new[] { "/api/mentions", "/api/mentions/stats", "/api/mentions/export" })
        {
            var response = await fixture.Client().GetAsync($"{path}?q={Uri.EscapeDataString(q)}");

            var problem = await ProblemAsync(response, path);
            problem.GetProperty("errors").GetProperty("q")[0].GetString()!.ShouldContain(expected, Case.Sensitive, $"{path}?q={q}");
        }
    }

    /// <summary>A misspelled filter answered every mention as if none had been asked for; now it is a 400 naming the one meant.</summary>
    [Fact]
    public async Task A_parameter_the_request_does_not_take_is_a_400_naming_the_one_it_looks_like()
    {
        foreach (var path in new[] { "/api/mentions", "/api/mentions/stats", "/api/mentions/export", "/api/mentions/to-label" })
        {
            var problem = await ProblemAsync(await fixture.Client().GetAsync($"{path}?sentimnet=negative&colour=red"), path);
            var errors = problem.GetProperty("errors");
            errors.GetProperty("sentimnet")[0].GetString().ShouldBe("'sentimnet' is not a parameter of this request; did you mean 'sentiment'?", path);
            errors.GetProperty("colour")[0].GetString().ShouldBe("'colour' is not a parameter of this request.", path);
        }

        (await fixture.Client().GetAsync("/api/mentions/stats?pageSize=5")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "stats have no pages");
        (await fixture.Client().GetAsync("/api/mentions?sentiment=negative&pageSize=5&timeZone=Asia/Shanghai")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var capitals = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions?Sentiment=neutral&PAGESIZE=5");
        capitals.GetProperty("total").GetInt64().ShouldBe(2, "keys are read without regard to case, and the filter applies");
        (await fixture.Client().GetAsync("/api/mentions/export?sentiment=negative&sort=newest&pageSize=5")).StatusCode.ShouldBe(HttpStatusCode.OK, "a search's sort and paging are taken, and not used, by its export");
    }

    [Fact]
    public async Task A_query_of_1100_words_or_too_many_characters_is_refused_with_the_limit()
    {
        var words = string.Join(' ', Enumerable.Range(0, 1_100).Select(i => "w" + i));
        var manyShortWords = string.Join(' ', Enumerable.Range(0, SearchQuerySyntax.MaxTerms + 1).Select(i => (char)('a' + (i % 26))));
        var tooLong = new string('x', SearchQuerySyntax.MaxLength + 1);

        foreach (var (q, expected) in new[]
        {
            (words, $"characters long; at most {SearchQuerySyntax.MaxLength} are allowed"),
            (manyShortWords, $"{SearchQuerySyntax.MaxTerms + 1} terms; at most {SearchQuerySyntax.MaxTerms} are allowed"),
            (tooLong, $"at most {SearchQuerySyntax.MaxLength} are allowed"),
        })
        {
            foreach (var path in new[] { "/api/mentions", "/api/mentions/stats", "/api/mentions/export" })
            {
                var problem = await ProblemAsync(await fixture.Client().GetAsync($"{path}?q={Uri.EscapeDataString(q)}"), path);
                problem.GetProperty("errors").GetProperty("q")[0].GetString()!.ShouldContain(expected);
            }
        }
    }

    [Theory]
    [InlineData("lumo \"unclosed")]
    [InlineData("C++ OR 50% off")]
    [InlineData("lumo -")]
    [InlineData("a/b c:d")]
    [InlineData("-refund lumo")]
    [InlineData("NOT refund")]
    [InlineData("(lumo OR refund) AND NOT (late)")]
    public async Task Stray_characters_are_still_searched_as_words(string q)
    {
        var response = await fixture.Client().GetAsync($"/api/mentions?q={Uri.EscapeDataString(q)}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("utcOffset=%2B14:00")]
    [InlineData("interval=hour&utcOffset=%2B13:45")]
    [InlineData("interval=week&utcOffset=-12:00")]
    [InlineData("interval=hour&utcOffset=-14:00&groupBy=source")]
    public async Task Stats_over_mentions_at_the_ends_of_the_calendar_never_overflow(string query)
    {
        var response = await fixture.Client().GetAsync("/api/mentions/stats?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stats = await response.Content.ReadFromJsonAsync<JsonElement>();
        stats.GetProperty("total").GetInt64().ShouldBe(3);
        stats.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64()).ShouldBe(3);
    }

    [Theory]
    [InlineData("from=1999-12-31", "from")]
    [InlineData("to=9999-12-31", "to")]
    [InlineData("from=0001-01-01&to=2026-01-01", "from")]
    public async Task Dates_outside_the_searchable_range_are_refused_at_the_door(string query, string parameter)
    {
        var problem = await ProblemAsync(await fixture.Client().GetAsync("/api/mentions/stats?" + query), query);

        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe([parameter]);
        problem.GetProperty("errors").GetProperty(parameter)[0].GetString()!.ShouldContain("outside the searchable range 2000-01-01");
    }

    [Fact]
    public async Task The_index_itself_refuses_an_unreadable_query_as_an_argument_error_not_an_engine_failure()
    {
        var ex = await Should.ThrowAsync<InvalidSearchQueryException>(() =>
            fixture.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "lumo AND" } }, CancellationToken.None));

        ex.Reason.ShouldContain("'AND' at position 6");
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, string what)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, what);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", what);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
