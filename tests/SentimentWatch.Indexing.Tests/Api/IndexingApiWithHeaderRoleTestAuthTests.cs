using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Indexing.Tests.Api;

public sealed class IndexingApiWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly IndexingApiFixture fixture = new();

    public async Task InitializeAsync()
    {
        await fixture.InitializeAsync();
        Mention[] mentions =
        [
            TestMentions.Create("zh-1", "退款两周还没到账，客服不回复", TestMentions.Epoch.AddHours(1), "weibo", "小王", SentimentLabel.Negative, ComplaintTopics.RefundReturn, 900, ["brand"]),
            TestMentions.Create("en-1", "My refunds never arrived", TestMentions.Epoch.AddDays(1), "reddit", "jane", SentimentLabel.Negative, ComplaintTopics.RefundReturn, 50, ["brand"]),
            TestMentions.Create("en-2", "Love the new phone", TestMentions.Epoch.AddDays(2), "reddit", "bob", SentimentLabel.Positive, null, 10, ["brand"]),
            TestMentions.Create("evil", "=HYPERLINK(\"http://evil.test\",\"click\"), then \"quoted\"\nnext line", TestMentions.Epoch.AddDays(2), "forum", "@attacker", SentimentLabel.Neutral),
        ];
        await fixture.Index.UpsertAsync(mentions, CancellationToken.None);
    }

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task SearchFindsChineseAndEnglishWithSnippets()
    {
        var zh = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions?q=" + Uri.EscapeDataString("退款"));
        var en = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions?q=refund&sentiment=negative&source=reddit");

        zh.GetProperty("total").GetInt64().ShouldBe(1);
        var hit = zh.GetProperty("hits")[0];
        hit.GetProperty("mention").GetProperty("id").GetString().ShouldBe("zh-1");
        hit.GetProperty("mention").GetProperty("sentiment").GetString().ShouldBe("negative");
        hit.GetProperty("snippet").GetString().ShouldBe("<em>退款</em>两周还没到账，客服不回复");
        en.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("mention").GetProperty("id").GetString()).ShouldBe(["en-1"]);
    }

    [Fact]
    public async Task SearchPagesWithTheCursor()
    {
        var client = fixture.Client();
        var first = await client.GetFromJsonAsync<JsonElement>("/api/mentions?sort=newest&pageSize=3&watch=brand");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/mentions?sort=newest&pageSize=3&watch=brand&cursor={cursor}");

        first.GetProperty("hits").GetArrayLength().ShouldBe(3);
        second.GetProperty("hits").GetArrayLength().ShouldBe(0);
        second.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
        var byReach = await client.GetFromJsonAsync<JsonElement>("/api/mentions?sort=reach&minReach=20");
        byReach.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("mention").GetProperty("id").GetString()).ShouldBe(["zh-1", "en-1"]);
    }

    [Theory]
    [InlineData("sentiment=angry", "sentiment")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-05&to=2026-11-01", "to")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=100000", "pageSize")]
    [InlineData("minReach=-1", "minReach")]
    [InlineData("sort=popular", "sort")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task BadSearchParametersGiveProblemDetailsNamingTheParameter(string query, string parameter)
    {
        var response = await fixture.Client().GetAsync("/api/mentions?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe([parameter]);
    }

    [Fact]
    public async Task ACursorFromAnotherSortOrderIsRejected()
    {
        var first = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions?sort=newest&pageSize=1");
        var cursor = first.GetProperty("nextCursor").GetString();

        var response = await fixture.Client().GetAsync($"/api/mentions?sort=reach&pageSize=1&cursor={cursor}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("another sort order");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ApiRoles.Support, HttpStatusCode.Forbidden)]
    [InlineData(ApiRoles.Pr, HttpStatusCode.Forbidden)]
    [InlineData(ApiRoles.Analyst, HttpStatusCode.OK)]
    [InlineData(ApiRoles.Admin, HttpStatusCode.OK)]
    public async Task OnlyAnalystsAndAdminsMaySearchOrExport(string? role, HttpStatusCode expected)
    {
        var client = fixture.Client(role);

        (await client.GetAsync("/api/mentions?q=refund")).StatusCode.ShouldBe(expected);
        (await client.GetAsync("/api/mentions/export")).StatusCode.ShouldBe(expected);
        (await client.GetAsync("/api/mentions/stats")).StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task GetReturnsOneMentionOr404()
    {
        var found = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions/en-1");
        var missing = await fixture.Client().GetAsync("/api/mentions/nope");

        found.GetProperty("text").GetString().ShouldBe("My refunds never arrived");
        found.GetProperty("topic").GetString().ShouldBe(ComplaintTopics.RefundReturn);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StatsGivesADailyHistogramGroupedBySentimentAndTopTerms()
    {
        var stats = await fixture.Client().GetFromJsonAsync<JsonElement>(
            "/api/mentions/stats?from=2026-11-02&to=2026-11-04&interval=day&groupBy=sentiment&top=1");

        stats.GetProperty("total").GetInt64().ShouldBe(4);
        var histogram = stats.GetProperty("histogram");
        histogram.GetArrayLength().ShouldBe(3);
        histogram[0].GetProperty("count").GetInt64().ShouldBe(1);
        histogram[2].GetProperty("groups").GetProperty("positive").GetInt64().ShouldBe(1);
        histogram[2].GetProperty("groups").GetProperty("neutral").GetInt64().ShouldBe(1);
        stats.GetProperty("topSources")[0].GetProperty("term").GetString().ShouldBe("reddit");
        stats.GetProperty("topSources").GetArrayLength().ShouldBe(1);
    }

    /// <summary>Decision 260: a bare date as 'to' includes its day, so one day in both boxes is that day, not a 400.</summary>
    [Fact]
    public async Task OneDateAsFromAndTo_IsThatWholeDay()
    {
        var day = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions?from=2026-11-03&to=2026-11-03");
        var instants = await fixture.Client().GetAsync("/api/mentions?from=2026-11-03T00:00:00Z&to=2026-11-03T00:00:00Z");

        Ids(day).ShouldBe(["en-1"]);
        instants.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    /// <summary>
    /// Decision 260: timeZone (or utcOffset) says whose days the dates are. New York's 2 November runs from 05:00Z on the
    /// 2nd to 05:00Z on the 3rd: it holds en-1 (19:00 local on the 2nd), not zh-1 (20:00 local on the 1st), and UTC's 2nd
    /// holds zh-1 only. Search, export and stats read them alike.
    /// </summary>
    [Fact]
    public async Task DatesAreReadInTheGivenZone_BySearchExportAndStats()
    {
        var client = fixture.Client();
        var utc = await client.GetFromJsonAsync<JsonElement>("/api/mentions?from=2026-11-02&to=2026-11-02");
        var newYork = await client.GetFromJsonAsync<JsonElement>("/api/mentions?from=2026-11-02&to=2026-11-02&timeZone=America/New_York");
        var offset = await client.GetFromJsonAsync<JsonElement>("/api/mentions?from=2026-11-02&to=2026-11-02&utcOffset=-05:00");
        var wallClock = await client.GetFromJsonAsync<JsonElement>("/api/mentions?from=2026-11-02T18:00&to=2026-11-02T20:00&timeZone=America/New_York");
        var export = await client.GetStringAsync("/api/mentions/export?from=2026-11-02&to=2026-11-02&timeZone=America/New_York");
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/mentions/stats?from=2026-11-02&to=2026-11-03&interval=day&timeZone=America/New_York");

        Ids(utc).ShouldBe(["zh-1"]);
        Ids(newYork).ShouldBe(["en-1"]);
        Ids(offset).ShouldBe(["en-1"]);
        Ids(wallClock).ShouldBe(["en-1"]);
        export.ShouldContain("en-1");
        export.ShouldNotContain("zh-1");
        var histogram = stats.GetProperty("histogram");
        histogram.EnumerateArray().Select(b => b.GetProperty("start").GetDateTimeOffset()).ShouldBe(
            [new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.FromHours(-5))]);
        histogram.EnumerateArray().Select(b => b.GetProperty("count").GetInt64()).ShouldBe([1L, 2L]);
    }

    private static string?[] Ids(JsonElement page) =>
        [.. page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("mention").GetProperty("id").GetString()).Order()];

    [Theory]
    [InlineData("interval=minute", "interval")]
    [InlineData("groupBy=mood", "groupBy")]
    [InlineData("top=0", "top")]
    [InlineData("utcOffset=8", "utcOffset")]
    [InlineData("timeZone=Mars/Olympus_Mons", "timeZone")]
    [InlineData("timeZone=%2B08:00", "timeZone")]
    [InlineData("interval=hour&from=2000-01-01&to=2026-01-01", "interval")]
    public async Task BadStatsParametersGiveProblemDetailsNamingTheParameter(string query, string parameter)
    {
        var response = await fixture.Client().GetAsync("/api/mentions/stats?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe([parameter]);
    }

    [Fact]
    public async Task StatsRefuseATimeZoneAndAUtcOffsetTogetherNamingBoth()
    {
        var response = await fixture.Client().GetAsync("/api/mentions/stats?timeZone=America/New_York&utcOffset=-05:00");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["timeZone", "utcOffset"], ignoreOrder: true);
    }

    [Fact]
    public async Task StatsBucketDaysInTheRequestedIanaZone()
    {
        var stats = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions/stats?q=" + Uri.EscapeDataString("退款") + "&timeZone=America/New_York");

        // The first refund mention, 2026-11-02T01:00Z, is 20:00 EST on 1 November: after the clocks went back that day.
        stats.GetProperty("histogram")[0].GetProperty("start").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)));
        stats.GetProperty("histogram")[0].GetProperty("start").GetString()!.ShouldEndWith("-04:00");
    }

    [Fact]
    public async Task StatsBucketsInTheRequestedTimeZone()
    {
        var stats = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions/stats?q=" + Uri.EscapeDataString("退款") + "&utcOffset=%2B08:00");

        stats.GetProperty("histogram")[0].GetProperty("start").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public async Task ExportStreamsUtf8CsvWithBomQuotingAndFormulaGuard()
    {
        var response = await fixture.Client().GetAsync("/api/mentions/export?sort=newest");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.ShouldNotBeNull().ShouldEndWith(".csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var csv = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = csv.Split("\r\n");
        lines[0].ShouldBe(string.Join(',', Api.MentionCsvColumns));
        csv.ShouldContain("zh-1,2026-11-02T01:00:00.0000000+00:00,weibo,小王,negative,refund_return,900,brand,und,https://example.test/zh-1,,退款两周还没到账，客服不回复\r\n");
        csv.ShouldContain(",\"'@attacker\",neutral,");
        csv.ShouldContain(",\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"click\"\"), then \"\"quoted\"\"\nnext line\"\r\n");
        lines.Count(l => l.Length > 0).ShouldBe(5); // header and four mentions: the evil text's newline stays inside its quoted cell
    }

    [Fact]
    public async Task ExportHonoursTheFilters()
    {
        var csv = await fixture.Client().GetStringAsync("/api/mentions/export?q=refund");

        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        csv.ShouldContain("en-1,");
    }

    private static class Api
    {
        public static readonly string[] MentionCsvColumns = SentimentWatch.Indexing.Api.MentionCsv.Columns;
    }
}
