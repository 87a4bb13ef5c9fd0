using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using Xunit.Abstractions;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// The number PR cares about: from a mention being handed to the observer (right after it is
/// indexed) to its alert's webhook arriving at a receiver on 127.0.0.1, through the SQLite
/// outbox and a Hangfire job. 200 separate incidents, one every 25 ms.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class DeliveryLatencyBenchmark(ITestOutputHelper output)
{
    private const int Incidents = 200;

    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task EvidenceToWebhook_EveryIncidentDeliveredOnce_AndItsLatencyPrinted()
    {
        using var data = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("loud", "influencer", "*", ("MinReach", "100000"))
            .Webhook("pr-hook", receiver.Url("pr-hook"));
        await using var host = await AlertingTestHost.StartAsync(data.Path, settings);

        // Warm-up incident (JIT, first connections) is not measured.
        await host.Desk.OnIndexedAsync([Mentions.Negative(host.Clock.GetUtcNow(), watch: "warmup", reach: 200_000)], default);
        await receiver.NextAsync();

        var handedAt = new Dictionary<string, long>();
        var observeMs = new List<double>();
        for (var i = 0; i < Incidents; i++)
        {
            var mention = Mentions.Negative(host.Clock.GetUtcNow(), watch: $"w{i:D3}", reach: 200_000);
            handedAt[mention.Id] = Stopwatch.GetTimestamp();
            await host.Desk.OnIndexedAsync([mention], default);
            observeMs.Add(Stopwatch.GetElapsedTime(handedAt[mention.Id]).TotalMilliseconds);
            await Task.Delay(25);
        }

        var latencies = new List<double>();
        while (latencies.Count < Incidents)
        {
            var webhook = await receiver.NextAsync(TimeSpan.FromSeconds(30));
            var mentionId = webhook.Json.GetProperty("samples")[0].GetProperty("mentionId").GetString()!;
            latencies.Add(Stopwatch.GetElapsedTime(handedAt[mentionId], webhook.ArrivedTimestamp).TotalMilliseconds);
        }

        latencies.Sort();
        observeMs.Sort();
        double P(List<double> xs, double q) => xs[(int)Math.Ceiling(q * xs.Count) - 1];
        output.WriteLine($"evidence -> webhook over {Incidents} incidents: p50 {P(latencies, 0.5):F1} ms, p95 {P(latencies, 0.95):F1} ms, max {latencies[^1]:F1} ms");
        output.WriteLine($"observer call (evidence + evaluation + outbox commit): p50 {P(observeMs, 0.5):F1} ms, p95 {P(observeMs, 0.95):F1} ms");

        await using var db = await host.DbAsync();
        (await db.Alerts.CountAsync()).ShouldBe(Incidents + 1);
        receiver.Received.Count.ShouldBe(Incidents + 1, "exactly one notification per incident");

        // The latency figures are printed, not asserted: a wall-clock bound fails on a loaded
        // machine for no fault of the code (issue 17). Run this test alone to measure.
        latencies.ShouldAllBe(ms => ms > 0);
    }
}
