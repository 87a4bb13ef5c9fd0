using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// The service's OpenTelemetry metrics read back through the SDK's in-memory exporter from the
/// real host (SQLite, Lucene, the pipeline): pipeline stage counters, lag, request latency and
/// alert rule evaluations, after real mentions went through the intake API.
/// </summary>
/// <remarks>
/// Alone, after the parallel tests: a MeterListener is process-wide, so with other hosts alive in this
/// test process the provider would also see their same-named instruments (one service per process
/// never has that), and could read another host's pipeline counters.
/// </remarks>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task PipelineStagesLagRequestLatencyAndRuleEvaluationsAreExportedAsMetrics()
    {
        var exported = new List<Metric>();
        using var service = new ServiceFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Telemetry:SampleInterval"] = "00:00:00.200",
                ["Alerting:EvaluationInterval"] = "00:00:01",
            },
        };
        using var host = service.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported))));
        var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ServiceFactory.AdminKey);
        var token = "ot" + Guid.NewGuid().ToString("N")[..8];

        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[]
        {
            new { source = "telemetry-test", externalId = "t-1-" + token, text = $"绿莫的退款一直没到账 {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5), author = "a", reach = 10 },
            new { source = "telemetry-test", externalId = "t-2-" + token, text = $"Lumo refund still missing {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-4), author = "b", reach = 10 },
            new { source = "telemetry-test", externalId = "t-3-" + token, text = $"Lumo coffee is great {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-3), author = "c", reach = 10 },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ServiceFactory.WaitForProcessedAsync(admin, 3);
        var provider = host.Services.GetRequiredService<MeterProvider>();

        // The positive signal first: a collection that has seen the rule evaluations and a store reading after the processing.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The store is sampled on its own cadence: a reading taken before the processing still says 3 pending,
        // so wait for a reading of none pending (the test fails at the deadline if none ever comes).
        while (DateTime.UtcNow < deadline && !(Sum(exported, "sentimentwatch.alerts.rule_evaluations") > 0 && Points(exported, "sentimentwatch.pipeline.lag").Count > 0
            && Points(exported, "sentimentwatch.pipeline.pending") is { Count: > 0 } pending && pending[^1].Value == 0))
        {
            provider.ForceFlush();
            await Task.Delay(200);
        }

        provider.ForceFlush();
        Sum(exported, "sentimentwatch.pipeline.accepted").ShouldBeGreaterThanOrEqualTo(3);
        // Each collection exports every point again: the last export holds the current values.
        var stages = Points(exported, "sentimentwatch.pipeline.stage.items").GroupBy(p => (string)p.Tags["stage"]!).ToDictionary(g => g.Key, g => g.Last().Value);
        stages["score"].ShouldBeGreaterThanOrEqualTo(3);
        stages["index"].ShouldBeGreaterThanOrEqualTo(3);
        Points(exported, "sentimentwatch.pipeline.stage.busy").ShouldContain(p => (string)p.Tags["stage"]! == "score" && p.Value > 0);
        Points(exported, "sentimentwatch.pipeline.lag").ShouldNotBeEmpty();
        Points(exported, "sentimentwatch.pipeline.pending").Last().Value.ShouldBe(0);
        Sum(exported, "sentimentwatch.alerts.rule_evaluations").ShouldBeGreaterThan(0);
        var requests = exported.Where(m => m.Name == "http.server.request.duration").ToList();
        requests.ShouldNotBeEmpty();
        HistogramCount(requests, "/api/intake/mentions").ShouldBeGreaterThanOrEqualTo(1);
    }

    private static double Sum(List<Metric> metrics, string name) =>
        Points(metrics, name).GroupBy(p => string.Join(',', p.Tags.Select(t => $"{t.Key}={t.Value}"))).Sum(g => g.Last().Value);

    /// <summary>Every exported point of <paramref name="name"/>, oldest export first, as (tags, value).</summary>
    private static List<(Dictionary<string, object?> Tags, double Value)> Points(List<Metric> metrics, string name)
    {
        var points = new List<(Dictionary<string, object?>, double)>();
        foreach (var metric in metrics.Where(m => m.Name == name).ToList())
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                double value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    _ => double.NaN,
                };
                points.Add((tags, value));
            }
        }

        return points;
    }

    private static long HistogramCount(List<Metric> metrics, string route)
    {
        long count = 0;
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "http.route" && (string?)tag.Value == route)
                    {
                        count = Math.Max(count, point.GetHistogramCount());
                    }
                }
            }
        }

        return count;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "process-wide state (meters, Hangfire's log provider), alone";
}
