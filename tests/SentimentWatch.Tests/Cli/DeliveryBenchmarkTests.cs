using SentimentWatch.Cli;

namespace SentimentWatch.Tests.Cli;

public sealed class DeliveryBenchmarkTests
{
    [Fact]
    public void BenchDelivery_IsAVerbUnderBench()
    {
        var bench = CommandLine.Create().Subcommands.Single(c => c.Name == "bench");

        bench.Subcommands.Select(c => c.Name).ShouldContain("delivery");
    }

    [Fact]
    public async Task BenchDelivery_DeliversEveryIncidentOnceThroughTheRealOutboxAndReportsTheLatencyWithTheLoad()
    {
        var report = await DeliveryBenchmark.RunAsync(incidents: 5, gap: TimeSpan.Zero, CancellationToken.None);

        report[0].ShouldStartWith("5 incidents");
        report[0].ShouldContain("load average");
        report[1].ShouldMatch(@"^evidence -> webhook received: p50 [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms$");
        report[3].ShouldMatch(@"^process CPU [\d.]+ ms per incident");
        report[^1].ShouldBe("every incident delivered exactly once (6 alerts with the warm-up, 6 webhooks)");
    }
}
