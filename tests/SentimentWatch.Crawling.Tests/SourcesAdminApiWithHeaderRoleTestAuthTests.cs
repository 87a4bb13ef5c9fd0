using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Security;
using SentimentWatch.Crawling.Scheduling;
using SentimentWatch.Storage;
using SentimentWatch.Testing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

/// <summary>
/// The admin API over a real host: TestServer for the API, real Quartz (RAM store), a real SQLite
/// state store and the fixture site on 127.0.0.1 as the crawled source.
/// </summary>
public sealed class SourcesAdminApiWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sw-crawl-admin-" + Guid.NewGuid().ToString("N"));
    private readonly RunListener _runs = new();
    private FixtureServer _server = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _server = await FixtureServer.StartAsync();
        _app = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<WebApplication> StartHostAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["Crawling:Politeness:MinDelayPerHost"] = "00:00:00",
            ["Crawling:Politeness:MaxRetries"] = "0",
            ["Crawling:Sources:0:Id"] = "configured-atom",
            ["Crawling:Sources:0:Kind"] = "atom",
            ["Crawling:Sources:0:Urls:0"] = _server.Url("/feeds/atom.xml"),
            ["Crawling:Sources:0:Cron"] = "0 0 3 * * ?",
            ["Crawling:Sources:0:Auth:Headers:X-Api-Key"] = "literal-secret-value",
        });
        builder.AddStorage();
        builder.AddCrawling();
        builder.Services.AddTestAuthentication();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCrawlingApi();
        await app.StartAsync();
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        scheduler.ListenerManager.AddJobListener(_runs, [GroupMatcher<JobKey>.GroupEquals(CrawlSourceJob.Group)]);
        return app;
    }

    private HttpClient Admin() => _app.GetTestClient().As(ApiRoles.Admin, "ops-alice");

    private object Feed(string interval) => new { id = "fixture-rss", kind = "rss", urls = new[] { _server.Url("/feeds/rss.xml") }, interval };

    [Fact]
    public async Task ASourceAddedOverTheApiCrawlsOnScheduleIsRetimedPausedAndDeletedWithoutARestart()
    {
        var client = Admin();
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var jobKey = CrawlSourceJob.KeyFor("fixture-rss");

        var created = await client.PostAsJsonAsync("/api/crawling/sources", Feed("01:00:00"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/crawling/sources/fixture-rss");
        await _runs.WaitForRunsAsync("fixture-rss", 1, Patience); // a new source runs at once, then hourly
        var health = (await _app.Services.GetRequiredService<ISourceHealthReader>().ListAsync(CancellationToken.None)).Single(h => h.SourceId == "fixture-rss");
        health.TotalItemsFound.ShouldBe(2);
        health.ExpectedInterval.ShouldBe(TimeSpan.FromHours(1));

        var retimed = await client.PutAsJsonAsync("/api/crawling/sources/fixture-rss", Feed("00:00:01"));
        retimed.StatusCode.ShouldBe(HttpStatusCode.OK, await retimed.Content.ReadAsStringAsync());
        ((ISimpleTrigger)(await scheduler.GetTrigger(CrawlSourceJob.TriggerKeyFor("fixture-rss")))!).RepeatInterval.ShouldBe(TimeSpan.FromSeconds(1));
        await _runs.WaitForRunsAsync("fixture-rss", 3, Patience); // the hourly source now runs every second

        var paused = await client.PostAsync("/api/crawling/sources/fixture-rss/pause", null);
        paused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paused").GetBoolean().ShouldBeTrue();
        (await scheduler.GetTriggerState(CrawlSourceJob.TriggerKeyFor("fixture-rss"))).ShouldBe(TriggerState.Paused);
        (await _app.Services.GetRequiredService<CrawlRunner>().RunAsync("fixture-rss", CancellationToken.None)).ShouldBeNull(); // a run that slips through is skipped
        (await _app.Services.GetRequiredService<ISourceHealthReader>().ListAsync(CancellationToken.None)).Single(h => h.SourceId == "fixture-rss").Enabled.ShouldBeFalse();

        var deleted = await client.DeleteAsync("/api/crawling/sources/fixture-rss");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await scheduler.GetJobDetail(jobKey)).ShouldBeNull();
        (await client.GetAsync("/api/crawling/sources/fixture-rss")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var history = await client.GetFromJsonAsync<JsonElement>("/api/crawling/sources/fixture-rss/history");
        history.EnumerateArray().Select(c => c.GetProperty("action").GetString()).ShouldBe(["created", "updated", "paused", "deleted"]);
        history.EnumerateArray().ShouldAllBe(c => c.GetProperty("actor").GetString() == "ops-alice");
        history[1].GetProperty("definition").GetProperty("interval").GetString().ShouldBe("00:00:01");
    }

    [Fact]
    public async Task AnInvalidDefinitionIsA400NamingEveryFaultyField()
    {
        var response = await Admin().PostAsJsonAsync("/api/crawling/sources", new
        {
            id = "bad source",
            kind = "html",
            urls = new[] { "ftp://example.invalid/" },
            interval = "00:00:00.5",
            selectors = new { post = "div.post[", text = "" },
            auth = new { headers = new Dictionary<string, string> { ["Authorization"] = "Bearer abc123" } },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(["auth.headers.Authorization", "id", "interval", "selectors.post", "selectors.text", "urls[0]"]);
        errors.GetProperty("selectors.post")[0].GetString().ShouldBe("source:Selectors:Post 'div.post[' is not a valid CSS selector");
        (await Admin().GetAsync("/api/crawling/sources/bad%20source/history")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "nothing was stored");
    }

    [Fact]
    public async Task MalformedJsonIsA400NamingWhereItBroke()
    {
        var response = await Admin().PostAsync("/api/crawling/sources", new StringContent("""{ "id": "x", "interval": 15 }""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Single().Name.ShouldBe("interval");
    }

    [Fact]
    public async Task AnOverlongIdOrUrlAndTooManyUrlsAreRefusedNamingTheFieldAndQuotingAShortPrefixOnly()
    {
        var client = Admin();
        var feed = _server.Url("/feeds/rss.xml");
        async Task<(string Field, string Message, int Length)> RefusedAsync(object definition)
        {
            var response = await client.PostAsJsonAsync("/api/crawling/sources", definition);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body.Length > 2_000 ? body[..2_000] : body);
            var error = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().ShouldHaveSingleItem();
            return (error.Name, error.Value.EnumerateArray().ShouldHaveSingleItem().GetString()!, body.Length);
        }

        var longId = await RefusedAsync(new { id = new string('k', CrawlingOptionsValidator.MaxIdLength + 1), kind = "rss", urls = new[] { feed }, interval = "01:00:00" });
        var megabyteId = await RefusedAsync(new { id = new string('k', 1024 * 1024), kind = "rss", urls = new[] { feed }, interval = "01:00:00" });
        var megabyteUrl = await RefusedAsync(new { id = "long-url", kind = "rss", urls = new[] { "https://example.invalid/" + new string('u', 1024 * 1024) }, interval = "01:00:00" });
        var manyUrls = await RefusedAsync(new { id = "many-urls", kind = "rss", urls = Enumerable.Range(0, 10_000).Select(i => $"{feed}?page={i}").ToArray(), interval = "01:00:00" });

        longId.Field.ShouldBe("id");
        longId.Message.ShouldBe("source:Id must be at most 64 characters (was 65: '" + new string('k', 60) + "…')");
        megabyteId.Field.ShouldBe("id");
        megabyteId.Length.ShouldBeLessThan(1_000, "the answer quotes a prefix, not the megabyte");
        megabyteUrl.Field.ShouldBe("urls[0]");
        megabyteUrl.Message.ShouldStartWith("source:Urls:0 must be at most 2048 characters");
        megabyteUrl.Length.ShouldBeLessThan(1_000);
        manyUrls.Field.ShouldBe("urls");
        manyUrls.Message.ShouldBe("source:Urls must list at most 100 URLs (was 10000); split them over several sources");
        (await client.GetFromJsonAsync<JsonElement>("/api/crawling/sources")).EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["configured-atom"], "nothing was stored");

        // At the limits: accepted, and the source can be read and removed by its id.
        var longest = new string('k', CrawlingOptionsValidator.MaxIdLength);
        var urls = Enumerable.Range(0, CrawlingOptionsValidator.MaxUrls).Select(i => $"{feed}?page={i}".PadRight(CrawlingOptionsValidator.MaxUrlLength, 'x')).ToArray();
        var created = await client.PostAsJsonAsync("/api/crawling/sources", new { id = longest, kind = "rss", urls, interval = "01:00:00", enabled = false });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await client.GetAsync($"/api/crawling/sources/{longest}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.DeleteAsync($"/api/crawling/sources/{longest}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("30.00:00:01")]
    [InlineData("00:00:00.999")]
    public async Task AnIntervalOutsideOneSecondToThirtyDaysIsRefusedSoNoTriggerIsLeftInError(string interval)
    {
        var response = await Admin().PostAsJsonAsync("/api/crawling/sources", Feed(interval));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().ShouldHaveSingleItem().Name.ShouldBe("interval");
        errors.GetProperty("interval")[0].GetString()!.ShouldStartWith("source:Interval must be from 00:00:01 to 30.00:00:00");
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetJobDetail(CrawlSourceJob.KeyFor("fixture-rss"))).ShouldBeNull();
    }

    [Fact]
    public async Task ThirtyDaysIsTheLongestIntervalAndItsTriggerStaysNormal()
    {
        var created = await Admin().PostAsJsonAsync("/api/crawling/sources", Feed("30.00:00:00"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        await _runs.WaitForRunsAsync("fixture-rss", 1, Patience); // a new source runs at once

        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetTriggerState(CrawlSourceJob.TriggerKeyFor("fixture-rss"))).ShouldBe(TriggerState.Normal);
        (await scheduler.GetTrigger(CrawlSourceJob.TriggerKeyFor("fixture-rss")))!.NextFireTimeUtc!.Value.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(29), "after the run at once, the next in thirty days");
    }

    [Fact]
    public async Task ABodyNotDeclaredJsonIsA415AndNothingIsStoredOrRun()
    {
        var client = Admin();
        var json = JsonSerializer.Serialize(Feed("01:00:00"));
        HttpContent Plain() => new StringContent(json, System.Text.Encoding.UTF8, "text/plain");
        HttpContent Untyped() => new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json));

        var answers = new[]
        {
            await client.PostAsync("/api/crawling/sources", Plain()),
            await client.PostAsync("/api/crawling/sources", Untyped()),
            await client.PutAsync("/api/crawling/sources/fixture-rss", Plain()),
            await client.PostAsync("/api/crawling/sources/test", Plain()),
            await client.PostAsync("/api/crawling/sources/test", Untyped()),
        };

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, $"{answer.RequestMessage!.Method} {answer.RequestMessage.RequestUri}");
            answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("Content-Type: application/json");
        }

        (await client.GetAsync("/api/crawling/sources/fixture-rss")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AConfiguredSourceIsReadOnlyButCanBePausedAndItsLiteralCredentialIsNeverShown()
    {
        var client = Admin();

        var put = await client.PutAsJsonAsync("/api/crawling/sources/configured-atom", new { kind = "atom", urls = new[] { _server.Url("/feeds/atom.xml") }, interval = "00:10:00" });
        var delete = await client.DeleteAsync("/api/crawling/sources/configured-atom");
        var taken = await client.PostAsJsonAsync("/api/crawling/sources", new { id = "CONFIGURED-atom", kind = "atom", urls = new[] { _server.Url("/feeds/atom.xml") }, interval = "00:10:00" });
        var pause = await client.PostAsync("/api/crawling/sources/configured-atom/pause", null);
        var listed = await client.GetStringAsync("/api/crawling/sources");

        put.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await put.Content.ReadAsStringAsync()).ShouldContain("comes from configuration");
        delete.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        pause.StatusCode.ShouldBe(HttpStatusCode.OK);
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetTriggerState(CrawlSourceJob.TriggerKeyFor("configured-atom"))).ShouldBe(TriggerState.Paused);
        listed.ShouldNotContain("literal-secret-value");
        listed.ShouldContain("(hidden)");
        listed.ShouldContain("\"origin\":\"configuration\"");
    }

    [Fact]
    public async Task ADryRunShowsWhatTheDefinitionFindsAndStoresNothing()
    {
        var client = Admin();
        var definition = new
        {
            id = "phpbb-try",
            kind = "html",
            urls = new[] { _server.Url("/phpbb/viewtopic.php?t=55") },
            selectors = CrawlerHarness.PhpBb(_server.Base).Selectors,
            auth = new { headers = new Dictionary<string, string> { ["X-Token"] = "${env:SW_TEST_UNSET_TOKEN}" } },
        };

        var first = await client.PostAsJsonAsync("/api/crawling/sources/test", definition);
        var second = await client.PostAsJsonAsync("/api/crawling/sources/test", definition);

        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var run = await first.Content.ReadFromJsonAsync<JsonElement>();
        run.GetProperty("succeeded").GetBoolean().ShouldBeTrue();
        run.GetProperty("pages").GetArrayLength().ShouldBeGreaterThan(0);
        var mentions = run.GetProperty("mentions");
        mentions.GetArrayLength().ShouldBeGreaterThan(0);
        mentions[0].GetProperty("source").GetString().ShouldBe("phpbb-try");
        mentions[0].GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mentions").GetArrayLength().ShouldBe(mentions.GetArrayLength()); // no cursor remembered
        (await client.GetAsync("/api/crawling/sources/phpbb-try")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _app.Services.GetRequiredService<ISourceHealthReader>().ListAsync(CancellationToken.None)).ShouldNotContain(h => h.SourceId == "phpbb-try");
    }

    [Fact]
    public async Task OnlyAdminsManageSources()
    {
        var analyst = _app.GetTestClient().As(ApiRoles.Analyst);

        (await analyst.GetAsync("/api/crawling/sources")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await analyst.PostAsJsonAsync("/api/crawling/sources", Feed("01:00:00"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _app.GetTestClient().PostAsJsonAsync("/api/crawling/sources/test", Feed("01:00:00"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AManagedSourceAndAPauseSurviveARestart()
    {
        var client = Admin();
        (await client.PostAsJsonAsync("/api/crawling/sources", Feed("01:00:00"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        await _runs.WaitForRunsAsync("fixture-rss", 1, Patience);
        (await client.PostAsync("/api/crawling/sources/configured-atom/pause", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = await StartHostAsync();

        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetJobDetail(CrawlSourceJob.KeyFor("fixture-rss"))).ShouldNotBeNull();
        (await scheduler.GetTriggerState(CrawlSourceJob.TriggerKeyFor("configured-atom"))).ShouldBe(TriggerState.Paused);
        var listed = await Admin().GetFromJsonAsync<JsonElement>("/api/crawling/sources/fixture-rss");
        listed.GetProperty("origin").GetString().ShouldBe("api");
        listed.GetProperty("createdBy").GetString().ShouldBe("ops-alice");
    }

    /// <summary>Counts finished runs per source, so a test awaits the scheduler's own signal instead of sleeping.</summary>
    private sealed class RunListener : IJobListener
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly Channel<string> _finished = Channel.CreateUnbounded<string>();

        public string Name => "test-run-listener";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            _finished.Writer.TryWrite(context.JobDetail.Key.Name);
            return ValueTask.CompletedTask;
        }

        public async Task WaitForRunsAsync(string sourceId, int runs, TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            while (_counts.GetValueOrDefault(sourceId) < runs)
            {
                var id = await _finished.Reader.ReadAsync(timeout.Token);
                _counts[id] = _counts.GetValueOrDefault(id) + 1;
            }
        }
    }
}
