using System.Text;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Text;

/// <summary>
/// The words of mention text as people read them, for top terms: runs of Chinese cut into words by jieba
/// (<see cref="ChineseWords"/>; overlapping bigrams only if its dictionary is missing), Latin words of 3+ letters,
/// Traditional folded to Simplified, lower case, without stop words and one-character Chinese words. So a list
/// says 退款, 送餐 and 凉了 rather than the bigram fragments 款到 or 了一 (decision 163).
/// </summary>
public static class MentionWords
{
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "this", "that", "was", "are", "not", "but", "you", "your", "have", "has", "had", "they",
        "their", "from", "all", "our", "out", "just", "very", "what", "when", "will", "would", "there", "about", "been", "were",
        "its", "it's", "can", "get", "got", "one", "now", "again", "still", "how", "any", "who", "why", "http", "https", "www", "com",
    };

    /// <summary>Function words that carry nothing as a top term (Chinese words of one character are dropped anyway).</summary>
    private static readonly HashSet<string> ChineseStopWords =
    [
        "我们", "你们", "他们", "她们", "自己", "什么", "怎么", "这个", "那个", "这样", "那样", "一个", "没有", "不是", "就是", "还是", "但是", "因为", "所以",
        "如果", "已经", "可以", "今天", "昨天", "现在", "真的", "还有", "一下", "这么", "那么", "而且", "然后", "时候", "大家", "这家", "一次", "出来", "起来",
        "知道", "觉得", "感觉", "问题", "一直", "非常", "特别", "比较", "有点", "直接", "之后", "之前", "一些", "这些", "那些", "看到", "东西", "为什么",
        "了吗", "一样", "不过", "的话", "这种", "还要", "不会", "不能", "不要", "不了", "只有", "只是", "以后", "以前", "而且", "虽然", "可能", "应该",
    ];

    public static IEnumerable<string> Words(string text)
    {
        var folded = ChineseScript.ToSimplified(text);
        var i = 0;
        while (i < folded.Length)
        {
            if (TextNormalizer.IsCjk(folded[i]))
            {
                var end = i;
                while (end < folded.Length && TextNormalizer.IsCjk(folded[end]))
                {
                    end++;
                }

                var run = folded[i..end];
                foreach (var word in ChineseWords.Cut(run) ?? Bigrams(run))
                {
                    if (word.Length >= 2 && !ChineseStopWords.Contains(word))
                    {
                        yield return word;
                    }
                }

                i = end;
                continue;
            }

            var latin = new StringBuilder();
            while (i < folded.Length && !TextNormalizer.IsCjk(folded[i]))
            {
                var c = folded[i++];
                if (char.IsLetterOrDigit(c) || c == '\'')
                {
                    latin.Append(char.ToLowerInvariant(c));
                    continue;
                }

                if (Keep(latin))
                {
                    yield return latin.ToString();
                }

                latin.Clear();
            }

            if (Keep(latin))
            {
                yield return latin.ToString();
            }
        }
    }

    /// <summary>
    /// The words most mentions use, each counted once per mention, without the <paramref name="exclude"/> phrases'
    /// own words (a watch's brand: every mention of it says it) and without words that contain one of them.
    /// Words used by one mention only are left out.
    /// </summary>
    public static IReadOnlyList<TermCount> Top(IEnumerable<string> texts, IEnumerable<string> exclude, int count)
    {
        var phrases = exclude.Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
        // The brand as one word (绿莫 rather than 绿 / 莫…), so it is excluded whole and never glued to a neighbour.
        ChineseWords.AddWords(phrases.SelectMany(p => p.Split([' ', '"', '(', ')', '|', ','], StringSplitOptions.RemoveEmptyEntries)).Select(ChineseScript.ToSimplified));
        var excluded = new HashSet<string>(phrases.SelectMany(Words), StringComparer.OrdinalIgnoreCase);
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            foreach (var word in Words(text).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!excluded.Contains(word) && !excluded.Any(e => e.Length >= 2 && word.Contains(e, StringComparison.OrdinalIgnoreCase)))
                {
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }
        }

        return [.. counts.Where(kv => kv.Value > 1)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(kv => new TermCount(kv.Key, kv.Value))];
    }

    private static bool Keep(StringBuilder latin) => latin.Length >= 3 && !StopWords.Contains(latin.ToString());

    private static IEnumerable<string> Bigrams(string run)
    {
        for (var i = 0; i + 1 < run.Length; i++)
        {
            yield return run.Substring(i, 2);
        }
    }
}
