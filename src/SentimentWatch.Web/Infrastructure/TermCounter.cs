using System.Text;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The words people use most in a set of mentions, for the overview's "top terms": Chinese as
/// bigrams (as the index reads it), other words whole, each counted once per mention, without
/// stop words and without the watch's own words (every mention of "Lumo" says "Lumo").
/// </summary>
public static class TermCounter
{
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "this", "that", "was", "are", "not", "but", "you", "your", "have", "has", "had", "they",
        "their", "from", "all", "our", "out", "just", "very", "what", "when", "will", "would", "there", "about", "been", "were",
        "its", "it's", "can", "get", "got", "one", "now", "again", "still", "how", "any", "who", "why", "http", "https", "www", "com",
        "我们", "你们", "他们", "一个", "这个", "那个", "什么", "怎么", "没有", "就是", "还是", "但是", "因为", "所以", "已经", "可以", "不是", "了吗",
    };

    public static IReadOnlyList<TermCount> Top(IEnumerable<string> texts, IEnumerable<string> exclude, int count)
    {
        var excludeList = exclude.ToList();
        var excluded = new HashSet<string>(excludeList.SelectMany(Tokens), StringComparer.OrdinalIgnoreCase);

        // A bigram straddling the brand ("莫会" of 绿莫会员) says nothing: drop any with a character of the watch's Chinese words.
        var brandCharacters = new HashSet<char>(excludeList.SelectMany(e => e).Select(ChineseScript.ToSimplified).Where(TextNormalizer.IsCjk));
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            foreach (var token in Tokens(text).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!excluded.Contains(token) && !StopWords.Contains(token) && !token.Any(brandCharacters.Contains))
                {
                    counts[token] = counts.GetValueOrDefault(token) + 1;
                }
            }
        }

        return [.. counts.Where(kv => kv.Value > 1)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(kv => new TermCount(kv.Key, kv.Value))];
    }

    public static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        char? previousCjk = null;
        foreach (var raw in text)
        {
            var c = ChineseScript.ToSimplified(raw);
            if (TextNormalizer.IsCjk(c))
            {
                if (word.Length > 0)
                {
                    if (word.Length >= 3) { yield return word.ToString().ToLowerInvariant(); }
                    word.Clear();
                }

                if (previousCjk is { } p)
                {
                    yield return string.Concat(p, c);
                }

                previousCjk = c;
            }
            else if (char.IsLetterOrDigit(c) || c == '\'')
            {
                previousCjk = null;
                word.Append(c);
            }
            else
            {
                previousCjk = null;
                if (word.Length >= 3) { yield return word.ToString().ToLowerInvariant(); }
                word.Clear();
            }
        }

        if (word.Length >= 3)
        {
            yield return word.ToString().ToLowerInvariant();
        }
    }
}
