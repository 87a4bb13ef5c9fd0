using SentimentWatch.Cli;

namespace SentimentWatch.Tests.Cli;

public sealed class LedgerBenchmarkTests
{
    [Fact]
    public void WrittenBytes_CountsWhatThisProcessWrites_SoTheBenchCanReportKiBPerMention()
    {
        var before = LedgerBenchmark.WrittenBytes();
        before.ShouldNotBeNull("Linux keeps /proc/self/io; the bench reports no bytes without it");
        var file = Path.Combine(Path.GetTempPath(), "sw-written-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(file, new byte[1 << 20]);
            var after = LedgerBenchmark.WrittenBytes();
            (after!.Value - before.Value).ShouldBeGreaterThanOrEqualTo(1L << 20);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
