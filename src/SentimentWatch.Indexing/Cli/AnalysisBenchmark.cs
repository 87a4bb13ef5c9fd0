using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Cli;

/// <summary>
/// <c>bench index --analysis</c>: the CPU cost of text analysis alone, per mention, for the
/// indexed text field (title + text) of generated mentions, through the shipped chain (Traditional
/// folded by the table char filter), the same chain without a fold, and with Lucene's
/// <c>MappingCharFilter</c> over the same pairs (decision 030's alternative). The chains run
/// interleaved, in a rotated order, for several rounds; the median round is reported, because on a
/// shared machine single rounds vary by more than the fold costs.
/// </summary>
public static class AnalysisBenchmark
{
    public sealed record Chain(string Name, double MedianMicros, double MinMicros, double MaxMicros, double TokensPerMention);

    public sealed record Report(int Mentions, int Rounds, double MeanCharacters, IReadOnlyList<Chain> Chains, string LoadBefore, string LoadAfter)
    {
        public IEnumerable<string> Lines()
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"text analysis of {Mentions:N0} generated mentions (title + text, mean {MeanCharacters:F0} characters), median of {Rounds} interleaved rounds, CPU µs per mention; load average {LoadBefore} before, {LoadAfter} after");
            var baseline = Chains[0].MedianMicros;
            foreach (var chain in Chains)
            {
                var delta = chain.MedianMicros - baseline;
                var versus = chain == Chains[0] ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; {delta:+0.00;-0.00} µs ({delta * 100 / baseline:+0.0;-0.0} %) against no fold");
                yield return string.Create(CultureInfo.InvariantCulture, $"{chain.Name}: {chain.MedianMicros:F2} µs (rounds {chain.MinMicros:F2}–{chain.MaxMicros:F2}), {chain.TokensPerMention:F1} tokens{versus}");
            }
        }
    }

    public static Report Run(int count, int rounds, CancellationToken cancellationToken)
    {
        var generator = new MentionGenerator(seed: 42, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(90));
        var texts = generator.Next(count).Select(m => m.Title is { Length: > 0 } title ? title + "\n" + m.Text : m.Text).ToArray();
        var pairs = new NormalizeCharMap.Builder();
        foreach (var (traditional, simplified) in ChineseScript.Pairs)
        {
            pairs.Add(traditional.ToString(), simplified.ToString());
        }

        var map = pairs.Build();
        const LuceneVersion Version = LuceneVersion.LUCENE_48;
        (string Name, Analyzer Analyzer)[] chains =
        [
            ("no script fold", new MentionTextAnalyzer(Version, reader => reader)),
            ("table char filter (shipped)", new MentionTextAnalyzer(Version)),
            ("Lucene MappingCharFilter, same pairs", new MentionTextAnalyzer(Version, reader => new MappingCharFilter(map, reader))),
            ("shipped with Lucene's LowerCase and KeywordRepeat filters (before decision 190)", MentionTextAnalyzer.WithLuceneFilters(Version)),
        ];

        var loadBefore = LoadAverage();
        var tokens = new long[chains.Length];
        foreach (var (_, analyzer) in chains)
        {
            // Warm-up: JIT and tiered re-compilation of the chain.
            Analyse(analyzer, texts);
        }

        var micros = new List<double>[chains.Length];
        for (var c = 0; c < chains.Length; c++)
        {
            micros[c] = [];
        }

        for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            for (var k = 0; k < chains.Length; k++)
            {
                var c = (round + k) % chains.Length;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                tokens[c] = Analyse(chains[c].Analyzer, texts);
                micros[c].Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / texts.Length);
            }
        }

        var results = chains.Select((chain, c) =>
        {
            var sorted = micros[c].Order().ToList();
            return new Chain(chain.Name, sorted[sorted.Count / 2], sorted[0], sorted[^1], (double)tokens[c] / texts.Length);
        }).ToList();
        foreach (var (_, analyzer) in chains)
        {
            analyzer.Dispose();
        }

        return new Report(texts.Length, rounds, texts.Average(t => t.Length), results, loadBefore, LoadAverage());
    }

    private static long Analyse(Analyzer analyzer, string[] texts)
    {
        long tokens = 0;
        foreach (var text in texts)
        {
            using var stream = analyzer.GetTokenStream(MentionDocument.Text, text);
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                tokens += term.Length > 0 ? 1 : 0;
            }

            stream.End();
        }

        return tokens;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
