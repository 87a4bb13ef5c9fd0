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
    /// <summary>
    /// English function words: the common English stop-word list (articles, pronouns, auxiliaries, prepositions,
    /// conjunctions, quantifiers and adverbs of frequency/degree, as in the Snowball and Glasgow lists), plus the
    /// politeness and filler words of posts ("please", "hello", "thanks", "anyone") and web noise. None of them says
    /// what a complaint is about, so none is a top term.
    /// </summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        // Snowball / NLTK English, 3+ letters
        "about", "above", "after", "again", "against", "all", "and", "any", "are", "aren't", "because", "been", "before", "being",
        "below", "between", "both", "but", "can", "couldn't", "did", "didn't", "does", "doesn't", "doing", "don't", "down", "during",
        "each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he'd", "he'll",
        "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i'd", "i'll", "i'm", "i've",
        "into", "isn't", "it's", "its", "itself", "let's", "more", "most", "mustn't", "myself", "nor", "not", "off", "once",
        "only", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll",
        "she's", "should", "shouldn't", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves",
        "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "too",
        "under", "until", "very", "was", "wasn't", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when",
        "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "will", "with", "won't", "would",
        "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "can't", "cannot",
        "could", "would", "shall", "may", "might", "must",
        // Glasgow additions people write in posts
        "also", "already", "although", "always", "among", "another", "anyhow", "anyone", "anything", "anyway", "anywhere",
        "around", "became", "become", "becomes", "beside", "besides", "beyond", "done", "due", "either", "else", "elsewhere",
        "enough", "etc", "even", "ever", "every", "everyone", "everything", "everywhere", "except", "get", "gets", "getting", "got",
        "gotten", "hence", "however", "indeed", "instead", "just", "last", "least", "less", "made", "make", "makes", "many", "meanwhile",
        "much", "never", "next", "nobody", "none", "noone", "nothing", "now", "nowhere", "often", "one", "ones", "onto", "others",
        "otherwise", "per", "perhaps", "please", "quite", "rather", "really", "said", "say", "says", "see", "seem", "seemed", "seems",
        "since", "someone", "something", "sometime", "sometimes", "somewhere", "still", "thus", "till", "together", "toward",
        "towards", "upon", "via", "well", "whatever", "whenever", "whereas", "whether", "whoever", "whole", "whose", "within",
        "without", "yet", "two", "three", "first", "second", "twice", "thrice", "lot", "lots", "bit", "way", "thing", "things",
        // greetings, thanks and fillers
        "hello", "hey", "hiya", "thanks", "thank", "thx", "pls", "plz", "yes", "yeah", "okay", "lol", "guys", "folks", "anybody",
        "somebody", "everybody", "like", "want", "need", "know", "think", "going", "gonna", "wanna", "today", "yesterday",
        // web noise
        "http", "https", "www", "com", "amp", "quot",
    };

    /// <summary>Function words that carry nothing as a top term (Chinese words of one character are dropped anyway).</summary>
    private static readonly HashSet<string> ChineseStopWords =
    [
        "我们", "你们", "他们", "她们", "自己", "什么", "怎么", "这个", "那个", "这样", "那样", "一个", "没有", "不是", "就是", "还是", "但是", "因为", "所以",
        "如果", "已经", "可以", "今天", "昨天", "现在", "真的", "还有", "一下", "这么", "那么", "而且", "然后", "时候", "大家", "这家", "一次", "出来", "起来",
        "知道", "觉得", "感觉", "问题", "一直", "非常", "特别", "比较", "有点", "直接", "之后", "之前", "一些", "这些", "那些", "看到", "东西", "为什么",
        "了吗", "一样", "不过", "的话", "这种", "还要", "不会", "不能", "不要", "不了", "只有", "只是", "以后", "以前", "而且", "虽然", "可能", "应该",
        "你好", "您好", "谢谢", "请问", "有人", "有没有", "是不是", "这里", "那里", "哪里", "其实", "确实", "到底", "居然", "竟然", "简直",
        "或者", "并且", "以及", "这是", "那是", "一点", "有些", "为啥", "怎么办", "而已", "一般", "也是", "都是", "还是", "我的", "你的",
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

    private static bool Keep(StringBuilder latin) => latin.Length >= 3 && !StopWords.Contains(latin.ToString()) && !IsCode(latin);

    /// <summary>
    /// Order numbers, tracking codes, hashes and ids ("20261206123", "sf1234567890", "96f05402") are not what a post is about,
    /// and a burst of posts quoting one would put it at the top. Short numbers and model names stay: 315 (consumer rights
    /// day), 618, 2026, iphone15, mp3, 5g.
    /// </summary>
    private static bool IsCode(StringBuilder latin)
    {
        int digits = 0, letters = 0;
        for (var i = 0; i < latin.Length; i++)
        {
            if (char.IsDigit(latin[i]))
            {
                digits++;
            }
            else if (char.IsLetter(latin[i]))
            {
                letters++;
            }
        }

        return letters == 0 ? digits >= 5 : digits >= 3 && latin.Length >= 6;
    }

    private static IEnumerable<string> Bigrams(string run)
    {
        for (var i = 0; i + 1 < run.Length; i++)
        {
            yield return run.Substring(i, 2);
        }
    }
}
