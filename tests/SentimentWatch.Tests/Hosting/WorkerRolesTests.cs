using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Alerting;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Hosting;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Tests.Hosting;

/// <summary><c>Worker:Roles</c> decides what one process runs (decision 147).</summary>
/// <remarks>
/// Runs alone, after the parallel tests: Hangfire logs through a process-wide provider (LibLog)
/// bound to the last host's logger factory, so a host built here while another test's host was
/// being disposed read a disposed factory (seen once in a full run).
/// </remarks>
[Collection(TelemetryCollection.Name)]
public sealed class WorkerRolesTests
{
    [Fact]
    public async Task AnApiOnlyWorkerOnTheEmbeddedStores_RefusesToStartNamingWorkerRolesAndTheProviders()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "sw-roles-" + Guid.NewGuid().ToString("N"));
        using var service = ServiceProcess.Start(
            $"--Storage:DataDirectory={dataDirectory}",
            "--Replay:Enabled=false",
            "--Auth:ApiKeys:0:Key=roles-test-key-0123456789",
            "--Auth:ApiKeys:0:Role=admin",
            "--Worker:Roles=api");

        (await service.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("an api-only worker on SQLite must refuse to start");
        service.ExitCode.ShouldBe(2);
        service.Output.ShouldContain("Worker:Roles 'api' runs only some roles");
        service.Output.ShouldContain("Storage:Provider is sqlite");
        service.Output.ShouldContain("Index:Provider is lucene");
        service.Output.ShouldContain("Not starting");
    }

    [Fact]
    public async Task APipelineOnlyWorker_RunsThePipelineButNoCrawlSchedulerNoAlertingAndOnlyTheHealthRoute()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "sw-roles-" + Guid.NewGuid().ToString("N"));
        var builder = AppHost.CreateBuilder(
        [
            "--environment", "Testing",
            "--Urls=http://127.0.0.1:0",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Replay:Enabled=false",
            "--Worker:Roles=pipeline",
            // Built, never started: the shared stores are named but not reached.
            "--Storage:Provider=postgresql",
            "--Storage:ConnectionString=Host=127.0.0.1;Port=1;Database=sentimentwatch;Username=sw",
            "--Index:Provider=elasticsearch",
            "--Index:Elasticsearch:Url=http://127.0.0.1:1",
            "--Auth:ApiKeys:0:Key=roles-test-key-0123456789",
            "--Auth:ApiKeys:0:Role=admin",
            "--Crawling:Sources:0:Id=feed",
            "--Crawling:Sources:0:Kind=rss",
            "--Crawling:Sources:0:Urls:0=http://127.0.0.1:1/feed.xml",
            "--Crawling:Sources:0:Interval=00:01:00",
        ], isService: false);
        await using var app = AppHost.Build(builder);

        var hosted = app.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        hosted.ShouldContain(typeof(MentionPipeline));
        hosted.ShouldNotContain(typeof(Quartz.QuartzHostedService));
        hosted.ShouldNotContain(typeof(AlertEvaluationSchedule));
        hosted.ShouldNotContain(typeof(SlaWatchSchedule));
        hosted.ShouldNotContain(t => t.FullName!.StartsWith("Hangfire", StringComparison.Ordinal), "no job server: notifications run on alerting workers");

        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText).ToList();
        routes.ShouldBe(["/health"]);
    }

    [Fact]
    public async Task TheDefaultWorker_RunsEveryRoleAndHealthSaysSo()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        health.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["api", "pipeline", "crawl", "alerting"]);
    }
}
