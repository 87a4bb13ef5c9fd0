using Microsoft.ML;
using Microsoft.ML.Transforms.Text;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Serving;

/// <summary>An unsupervised theme found in a set of texts: its top terms with their weights.</summary>
public sealed record Theme(int Index, IReadOnlyList<(string Term, float Weight)> Terms);

/// <summary>
/// Unsupervised themes over recent negative mentions with ML.NET's LatentDirichletAllocation
/// (LightLDA), for the alerting capability's emerging-topic detection. Terms are English words
/// (3+ letters, minus stop words) and Chinese character bigrams. LightLDA's native code writes
/// to stdout, so never call this from a verb whose stdout carries results.
/// </summary>
public static class ThemeModel
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "but", "not", "you", "this", "that", "with", "was", "are", "have", "has", "had", "they", "them",
        "their", "there", "what", "when", "from", "just", "all", "can", "our", "out", "your", "its", "it's", "too", "very",
        "would", "could", "will", "been", "were", "than", "then", "also", "any", "one", "about", "after", "again", "who",
        "http", "https", "www", "com",
    };

    public static IReadOnlyList<Theme> Fit(IEnumerable<string> texts, int themes = 8, int topTerms = 10, int seed = 1)
    {
        var rows = texts.Select(t => new TokenRow { Tokens = Tokens(t) }).Where(r => r.Tokens.Length > 0).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Keys", nameof(TokenRow.Tokens))
            .Append(ml.Transforms.Text.ProduceNgrams("Grams", "Keys", ngramLength: 1, useAllLengths: false))
            .Append(ml.Transforms.Text.LatentDirichletAllocation("Themes", "Grams", numberOfTopics: themes, maximumNumberOfIterations: 100, numberOfThreads: 1));
        var model = pipeline.Fit(data);
        var lda = (LatentDirichletAllocationTransformer)model.LastTransformer;
        var details = lda.GetLdaDetails(0);
        return details.WordScoresPerTopic
            .Select((terms, index) => new Theme(index, terms.OrderByDescending(t => t.Score).Take(topTerms).Select(t => (t.Word, t.Score)).ToList()))
            .ToList();
    }

    internal static string[] Tokens(string text)
    {
        var normalized = TextNormalizer.Fold(text);
        var tokens = new List<string>();
        var i = 0;
        while (i < normalized.Length)
        {
            var c = normalized[i];
            if (TextNormalizer.IsCjk(c))
            {
                var end = TextNormalizer.CjkRunEnd(normalized, i);

                for (var k = i; k + 2 <= end; k++)
                {
                    tokens.Add(normalized.Substring(k, 2));
                }

                i = end;
            }
            else if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (end < normalized.Length && (char.IsAsciiLetter(normalized[end]) || normalized[end] == '\''))
                {
                    end++;
                }

                var word = normalized[i..end];
                if (word.Length >= 3 && !StopWords.Contains(word))
                {
                    tokens.Add(word);
                }

                i = end;
            }
            else
            {
                i++;
            }
        }

        return [.. tokens];
    }

    private sealed class TokenRow
    {
        public string[] Tokens { get; set; } = [];
    }
}
