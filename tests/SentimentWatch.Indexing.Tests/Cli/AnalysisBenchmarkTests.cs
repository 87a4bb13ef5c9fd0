using SentimentWatch.Indexing.Cli;

namespace SentimentWatch.Indexing.Tests.Cli;

public sealed class AnalysisBenchmarkTests
{
    [Fact]
    public void BenchIndexAnalysis_ReportsTheCpuPerMentionOfEachChain_AndTheTwoFoldsYieldTheSameTokens()
    {
        var report = AnalysisBenchmark.Run(count: 2_000, rounds: 3, CancellationToken.None);

        report.Chains.Select(c => c.Name).ShouldBe(["no script fold", "table char filter (shipped)", "Lucene MappingCharFilter, same pairs", "shipped with Lucene's LowerCase and KeywordRepeat filters (before decision 190)"]);
        report.Chains.ShouldAllBe(c => c.MedianMicros > 0 && c.MinMicros <= c.MedianMicros && c.MedianMicros <= c.MaxMicros);
        report.Chains[1].TokensPerMention.ShouldBe(report.Chains[2].TokensPerMention, "both folds map the same pairs one character to one");
        report.Chains[3].TokensPerMention.ShouldBe(report.Chains[1].TokensPerMention, "Lucene's filters and the fast ones give the same tokens (decision 190)");
        var lines = report.Lines().ToList();
        lines[0].ShouldStartWith("text analysis of 2,000 generated mentions");
        lines[0].ShouldContain("load average");
        lines[2].ShouldMatch(@"^table char filter \(shipped\): [\d.]+ µs \(rounds [\d.]+–[\d.]+\), [\d.]+ tokens; [+-][\d.]+ µs \([+-][\d.]+ %\) against no fold$");
    }
}
