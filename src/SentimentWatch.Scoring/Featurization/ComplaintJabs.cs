using System.Reflection;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Rhetorical complaints, taunts and curses in a Chinese post (Lexicon/complaint-jabs.tsv, decision 222): what makes a
/// question a complaint when it names no service failure (还好意思卖？ 这就是所谓的服务？ 有人管管吗？). The Chinese intent head
/// never moves a post holding one off negative, as it never moves one with a complaint cue or a harm report.
/// </summary>
public static class ComplaintJabs
{
    private static readonly string[] Jabs = Read();

    public static IReadOnlyList<string> All => Jabs;

    /// <param name="prepared">The text as the featurizer prepared it (NFKC-folded, lower case).</param>
    public static bool Holds(string prepared) => Find(prepared) is not null;

    /// <summary>The first jab the text holds, or null.</summary>
    public static string? Find(string prepared)
    {
        foreach (var jab in Jabs)
        {
            if (prepared.Contains(jab, StringComparison.Ordinal))
            {
                return jab;
            }
        }

        return null;
    }

    private static string[] Read()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SentimentWatch.Scoring.Lexicon.complaint-jabs.tsv")
            ?? throw new InvalidOperationException("Embedded lexicon complaint-jabs.tsv is missing.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Select(l => l.Split('\t')[0].Trim()).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => Core.Mentions.TextNormalizer.Fold(l)).Distinct(StringComparer.Ordinal)];
    }
}
