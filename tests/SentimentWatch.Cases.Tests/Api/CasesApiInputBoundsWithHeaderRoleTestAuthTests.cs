using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing;

namespace SentimentWatch.Cases.Tests.Api;

/// <summary>
/// What the cases API refuses, over the test server as the other API tests: each is a 400 naming the
/// field, quoting no more than a short prefix of the bad value, and changes nothing.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CasesApiInputBoundsWithHeaderRoleTestAuthTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<long> OpenAsync(CasesTestHost host)
    {
        await host.Desk.OnIndexedAsync([Complaints.Make(host.Clock.GetUtcNow())], default);
        await using var db = await host.DbAsync();
        return await db.Cases.MaxAsync(c => c.Id);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? ifMatch = "*")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    /// <summary>The 400's message for <paramref name="field"/>, after checking it is the only field named.</summary>
    private static async Task<string> RefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).ShouldBe([field]);
        return errors.GetProperty(field)[0].GetString()!;
    }

    [Theory]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    [InlineData("from=1999-12-31T23:59:59Z", "from")]
    [InlineData("from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59.9999999Z", "from,to")]
    public async Task MetricsAndExport_RefuseAPeriodOutsideTheQueryWindow_NamingTheEnd(string query, string fields)
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var client = host.Client();

        foreach (var path in new[] { "/api/cases/metrics", "/api/cases/export" })
        {
            var response = await client.GetAsync($"{path}?{query}");
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{path}: {body}");
            var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
            errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(fields.Split(','));
            errors.EnumerateObject().First().Value[0].GetString()!.ShouldContain("must be from 2000-01-01 to 2027-11-");
        }
    }

    [Fact]
    public async Task MetricsAndExport_StillAnswerForAPeriodInsideTheWindow_UpToAYearAhead()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        await OpenAsync(host);
        var client = host.Client();
        var to = Uri.EscapeDataString(host.Clock.GetUtcNow().AddDays(365).ToString("O"));

        var metrics = await client.GetFromJsonAsync<JsonElement>($"/api/cases/metrics?from=2000-01-01&to={to}");
        metrics.GetProperty("total").GetProperty("volume").GetInt32().ShouldBe(1);
        var export = await client.GetStringAsync($"/api/cases/export?from=2000-01-01&to={to}");
        export.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2, "a header and the one case");
    }

    /// <summary>
    /// Decision 260: a date as 'to' includes its day, and dates are the days of timeZone when given. Before, today's date in
    /// both ends was a 400 and a Beijing lead's "today" started at 08:00.
    /// </summary>
    [Fact]
    public async Task MetricsAndExport_ReadDatesAsDaysOfTheGivenZone_ToIncludingItsDay()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());

        // Opened at 20:00 UTC, 04:00 the next day in Shanghai: the UTC day and the Shanghai day differ.
        var clockNow = host.Clock.GetUtcNow();
        host.Clock.Advance(clockNow.Date.AddHours(20) - clockNow.UtcDateTime + (clockNow.Hour >= 20 ? TimeSpan.FromDays(1) : TimeSpan.Zero));
        await OpenAsync(host);
        var client = host.Client();
        var now = host.Clock.GetUtcNow();
        now.Hour.ShouldBe(20);
        var utcDay = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var localDay = TimeZoneInfo.ConvertTime(now, shanghai).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var dayBefore = TimeZoneInfo.ConvertTime(now, shanghai).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        async Task<int> VolumeAsync(string query) =>
            (await client.GetFromJsonAsync<JsonElement>("/api/cases/metrics?" + query)).GetProperty("total").GetProperty("volume").GetInt32();

        localDay.ShouldNotBe(utcDay);
        (await VolumeAsync($"from={utcDay}&to={utcDay}")).ShouldBe(1);
        (await VolumeAsync($"from={localDay}&to={localDay}&timeZone=Asia/Shanghai")).ShouldBe(1);
        (await VolumeAsync($"from={dayBefore}&to={dayBefore}&timeZone=Asia/Shanghai")).ShouldBe(0, "the UTC day, read as Shanghai's");
        (await VolumeAsync($"from={localDay}&to={localDay}&utcOffset=%2B08:00")).ShouldBe(1);
        (await VolumeAsync($"from={dayBefore}&to={dayBefore}&utcOffset=%2B08:00")).ShouldBe(0);
        var export = await client.GetStringAsync($"/api/cases/export?from={localDay}&to={localDay}&timeZone=Asia/Shanghai");
        export.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2, "a header and the one case");
        (await RefusedAsync(await client.GetAsync("/api/cases/metrics?timeZone=posix/Asia/Shanghai"), "timeZone")).ShouldContain("IANA");

        // The file is named by the period's days where they were read, not by its instants' UTC days.
        var november = await client.GetAsync("/api/cases/export?from=2026-11-01&to=2026-11-30&timeZone=Asia/Shanghai");
        november.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("cases-20261101-20261130.csv");
        var utcNovember = await client.GetAsync("/api/cases/export?from=2026-11-01&to=2026-11-30");
        utcNovember.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("cases-20261101-20261130.csv");

        // Without a named zone, by the offset the period's start was written in (what the console's link sends).
        var offsetOnly = await client.GetAsync("/api/cases/export?from=" + Uri.EscapeDataString("2026-11-01T00:00:00+08:00") + "&to=" + Uri.EscapeDataString("2026-12-01T00:00:00+08:00"));
        offsetOnly.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("cases-20261101-20261130.csv");

        // Only 'to': the 30 days before it, not a refusal because 30 days before now is later.
        (await VolumeAsync("to=2026-10-01")).ShouldBe(0);

        // One 400 names every bad parameter; a period that ends before it starts is said with the texts given.
        (await RefusedAsync(await client.GetAsync("/api/cases/metrics?timeZone=Asia/Shanghai&utcOffset=%2B08:00"), "utcOffset")).ShouldContain("not both");
        (await RefusedAsync(await client.GetAsync("/api/cases/metrics?utcOffset=8"), "utcOffset")).ShouldContain("+08:00");
        var both = await client.GetAsync("/api/cases/metrics?timeZone=Mars/Base&from=yesterday");
        both.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await both.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ShouldBe(["from", "timeZone"]);
        (await RefusedAsync(await client.GetAsync($"/api/cases/metrics?from={localDay}&to={dayBefore}&timeZone=Asia/Shanghai"), "to"))
            .ShouldBe($"to ({dayBefore}) must be after from ({localDay}); a date as 'to' includes its day");
    }

    /// <summary>A parameter an endpoint does not take was ignored: <c>/api/cases?from=</c> listed every case, <c>metrics?days=7</c> gave 30 days.</summary>
    [Fact]
    public async Task AParameterTheEndpointDoesNotTake_IsRefusedNamingTheOneItLooksLike()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var client = host.Client();

        (await RefusedAsync(await client.GetAsync("/api/cases?from=2030-01-01"), "from")).ShouldStartWith("'from' is not a parameter of this request; it takes status, priority");
        (await RefusedAsync(await client.GetAsync("/api/cases?statuss=all"), "statuss")).ShouldBe("'statuss' is not a parameter of this request; did you mean 'status'?");
        (await RefusedAsync(await client.GetAsync("/api/cases/metrics?days=7"), "days")).ShouldStartWith("'days' is not a parameter of this request; it takes from, to, timeZone, utcOffset, groupBy");
        (await RefusedAsync(await client.GetAsync("/api/cases/export?gruopBy=team"), "gruopBy")).ShouldStartWith("'gruopBy' is not a parameter of this request; it takes from, to");
        (await client.GetAsync("/api/cases?Status=all&PageSize=5")).StatusCode.ShouldBe(HttpStatusCode.OK, "keys without regard to case, as ASP.NET Core reads them");
        (await client.GetAsync("/api/cases/metrics?groupBy=team&timeZone=Asia/Shanghai")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnUnreadablePeriod_IsQuotedShort()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());

        var message = await RefusedAsync(await host.Client().GetAsync("/api/cases/metrics?to=" + new string('9', 5_000)), "to");

        message.Length.ShouldBeLessThan(200);
        message.ShouldContain(new string('9', CaseTextLimits.QuotedLength) + "…");
    }

    [Fact]
    public async Task Metrics_AtTheVeryEndsOfDateTimeOffset_AreReadWithoutOverflow()
    {
        // The API keeps periods inside the query window; the read itself must not overflow either.
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        await OpenAsync(host);
        var queries = host.App.Services.GetRequiredService<CaseQueries>();

        var everything = await queries.MetricsAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, "category", default);
        var lastDay = await queries.MetricsAsync(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.MaxValue, null, default);

        everything.Total.Volume.ShouldBe(1);
        everything.Groups.Single().Key.ShouldBe(ComplaintTopics.RefundReturn);
        lastDay.Total.Volume.ShouldBe(0);
        lastDay.Total.Backlog.ShouldBe(1, "the backlog is every open case, whatever the period");
    }

    [Fact]
    public async Task TextPastItsLimit_IsRefusedNamingTheField_AndNothingIsStored()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings(), capabilities: b => b.AddIndexing());
        var id = await OpenAsync(host);
        var client = host.Client();
        var note = new string('n', CaseTextLimits.MaxNoteLength + 1);
        var summary = new string('s', CaseTextLimits.MaxSummaryLength + 1);

        (await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/notes", new { text = note }, ifMatch: null), "text")).ShouldBe("text must be at most 10,000 characters (was 10,001)");
        await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/replies", new { text = note, channel = "public" }, ifMatch: null), "text");
        await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/transition", new { to = "resolved", summary, rootCause = "billing_error" }), "summary");
        await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/transition", new { to = "in_progress", reason = summary }), "reason");
        (await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/override", new { priority = "P1", reason = summary }), "reason")).ShouldBe("reason must be at most 2,000 characters (was 2,001)");
        await RefusedAsync(await PostAsync(client, $"/api/cases/{id}/satisfaction", new { score = 5, comment = summary }), "comment");

        var mention = Complaints.Make(host.Clock.GetUtcNow(), text: "a post staff open a case for by hand");
        await host.App.Services.GetRequiredService<IMentionIndex>().UpsertAsync([mention], default);
        await RefusedAsync(await client.PostAsJsonAsync("/api/cases", new { mentionId = mention.Id, note }), "note");

        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        detail.GetProperty("notes").GetArrayLength().ShouldBe(0);
        detail.GetProperty("replies").GetArrayLength().ShouldBe(0);
        detail.GetProperty("case").GetProperty("status").GetString().ShouldBe("assigned");
        detail.GetProperty("case").GetProperty("priority").GetString().ShouldNotBe("P1");
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.CountAsync()).ShouldBe(1, "the manual case was not opened");
        }

        // At the limit: accepted.
        (await PostAsync(client, $"/api/cases/{id}/notes", new { text = new string('n', CaseTextLimits.MaxNoteLength) }, ifMatch: null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, $"/api/cases/{id}/transition", new { to = "resolved", summary = new string('s', CaseTextLimits.MaxSummaryLength), rootCause = "billing_error" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnUnknownOrOverlongAgent_IsRefusedQuotingAShortPrefixOnly()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var id = await OpenAsync(host);
        var client = host.Client();
        var megabyte = new string('a', 1024 * 1024);
        var unknown = "someone-" + new string('x', 200);

        var tooLong = await PostAsync(client, $"/api/cases/{id}/assign", new { agent = megabyte });
        var notAnAgent = await PostAsync(client, $"/api/cases/{id}/assign", new { agent = unknown });

        (await tooLong.Content.ReadAsStringAsync()).Length.ShouldBeLessThan(1_000);
        (await RefusedAsync(tooLong, "agent")).ShouldBe("agent must be at most 256 characters (was 1,048,576)");
        var message = await RefusedAsync(notAnAgent, "agent");
        message.ShouldStartWith("'" + unknown[..CaseTextLimits.QuotedLength] + "…'");
        message.ShouldNotContain(unknown);
    }

    [Fact]
    public async Task AnOverriddenCategory_MustBeOneOfTheDefaultTaxonomyOrTheRoutingConfiguration()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var id = await OpenAsync(host);
        var client = host.Client();

        var response = await PostAsync(client, $"/api/cases/{id}/override", new { category = "aliens", reason = "x" });
        var body = await response.Content.ReadAsStringAsync();
        var message = await RefusedAsync(response, "category");

        message.ShouldStartWith("category 'aliens' is not a complaint category of watch 'brand': use one of ");
        JsonDocument.Parse(body).RootElement.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()).ShouldBe(ComplaintTopics.Default);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        detail.GetProperty("case").GetProperty("category").GetString().ShouldBe(ComplaintTopics.RefundReturn);
        detail.GetProperty("audit").EnumerateArray().ShouldNotContain(a => a.GetProperty("what").GetString() == "category");

        (await PostAsync(client, $"/api/cases/{id}/override", new { category = ComplaintTopics.Logistics, reason = "a parcel, not a refund" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWatchWithItsOwnTaxonomy_TakesItsCategoriesAndTheDefaultOnes_OtherWatchesTheDefaultOnly()
    {
        var settings = new CasesSettings();
        settings["Cases:Watches:1:Watch"] = "skyair";
        settings["Cases:Watches:1:MinNegative"] = "0.7";
        settings["Cases:Watches:1:Team"] = "care";
        var taxonomy = new FixedComplaintTaxonomy(new Dictionary<string, string[]> { ["skyair"] = ["delays", "baggage", "crew", "other"] });
        await using var host = await CasesTestHost.StartAsync(_data.Path, settings, services: s => s.AddSingleton<IComplaintTaxonomy>(taxonomy));
        var now = host.Clock.GetUtcNow();
        await host.Desk.OnIndexedAsync(
        [
            Complaints.Make(now, text: "flight delayed five hours, nobody told us", topic: ComplaintTopics.Other, watch: "skyair", direct: true, author: "flyer"),
            Complaints.Make(now, author: "shopper"),
        ], default);
        long skyair, brand;
        await using (var db = await host.DbAsync())
        {
            skyair = await db.Cases.Where(c => c.WatchId == "skyair").Select(c => c.Id).SingleAsync();
            brand = await db.Cases.Where(c => c.WatchId == "brand").Select(c => c.Id).SingleAsync();
        }

        var client = host.Client();

        (await PostAsync(client, $"/api/cases/{skyair}/override", new { category = "delays", reason = "the airline's own category" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, $"/api/cases/{skyair}/override", new { category = ComplaintTopics.Safety, reason = "the default taxonomy's" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RefusedAsync(await PostAsync(client, $"/api/cases/{skyair}/override", new { category = "aliens", reason = "x" }), "category"))
            .ShouldContain("use one of delays, baggage, crew, other, product_quality");
        (await RefusedAsync(await PostAsync(client, $"/api/cases/{brand}/override", new { category = "delays", reason = "not the brand's" }), "category"))
            .ShouldContain("watch 'brand'");
    }

    /// <summary>Stand-in for the scorer's taxonomies: fixed categories per watch, the default taxonomy for the rest.</summary>
    private sealed class FixedComplaintTaxonomy(Dictionary<string, string[]> byWatch) : IComplaintTaxonomy
    {
        public IReadOnlyList<string> CategoriesOf(string? watch) =>
            watch is not null && byWatch.TryGetValue(watch, out var categories) ? categories : ComplaintTopics.Default;
    }
}
