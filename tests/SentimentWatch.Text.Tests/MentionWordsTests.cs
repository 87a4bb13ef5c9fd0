using Microsoft.VisualBasic.FileIO;
using Xunit.Abstractions;

namespace SentimentWatch.Text.Tests;

public sealed class MentionWordsTests(ITestOutputHelper output)
{
    [Fact]
    public void Words_AreChineseWordsAndLatinWords_FoldedAndWithoutStopWords()
    {
        var words = MentionWords.Words("送餐太慢了，退款也沒到賬! The refund never came").ToList();

        words.ShouldContain("送餐");
        words.ShouldContain("退款");
        words.ShouldContain("refund");
        words.ShouldNotContain("the");
        words.ShouldNotContain("餐太", "no bigram fragments");
    }

    [Fact]
    public void Words_LeaveOutOrderNumbersCodesAndHashes_ButKeepShortNumbersAndModelNames()
    {
        var words = MentionWords.Words("订单 20261206123 tracking SF1234567890 ref 96f05402: 315 complaint, 618 sale, iPhone15 mp3 2026").ToList();

        words.ShouldNotContain("20261206123");
        words.ShouldNotContain("sf1234567890");
        words.ShouldNotContain("96f05402");
        words.ShouldContain("315");
        words.ShouldContain("618");
        words.ShouldContain("iphone15");
        words.ShouldContain("mp3");
        words.ShouldContain("2026");
        words.ShouldContain("tracking");
    }

    [Fact]
    public void Top_LeavesOutTheWatchsOwnWords_AndWordsOfOneMention()
    {
        var texts = new[] { "绿莫咖啡送餐太慢", "绿莫咖啡送餐慢还洒了", "绿莫咖啡退款不到账" };

        var top = MentionWords.Top(texts, ["绿莫咖啡", "Lumo"], 10);

        top.Select(t => t.Term).ShouldBe(["送餐"]);
        top[0].Count.ShouldBe(2);
    }

    [Fact]
    public void Top_LeavesOutEnglishStopWordsAndChineseFunctionWords_AndKeepsWhatPeopleComplainAbout()
    {
        var texts = new[]
        {
            "Hello, anyone else charged twice after the Lumo update? Please refund me.",
            "Hello Lumo, I was charged twice after ordering, please refund the second payment",
            "Anyone? Charged twice again after cancelling. Please fix the refund",
            "你好，有人知道为什么退款还没到吗？其实我已经等了一周",
            "你好，请问退款到底什么时候到账？有人也是这样吗",
        };

        var top = MentionWords.Top(texts, ["Lumo"], 20).Select(t => t.Term).ToList();

        top.ShouldContain("charged");
        top.ShouldContain("refund");
        top.ShouldContain("退款");
        foreach (var stopWord in new[] { "hello", "anyone", "twice", "after", "please", "你好", "有人", "其实", "请问", "到底", "也是" })
        {
            top.ShouldNotContain(stopWord);
        }
    }

    /// <summary>
    /// Real negative reviews of food bought online and delivered (online_shopping_10_cats, fruit): the top terms that
    /// overlapping bigrams give include fragments no word of these texts is (了一, 个小 …); the word-level top terms
    /// have none of them, and name what people complain about whole.
    /// </summary>
    [CorpusFact]
    public void OnRealComplaints_TopTermsAreWords_AndTheBigramFragmentsAreGone()
    {
        var reviews = NegativeFruitReviews().Take(3000).ToList();
        reviews.Count.ShouldBeGreaterThan(1000);
        // Every word jieba finds in these texts, stop words included: a bigram that is none of them is a fragment.
        var words = new HashSet<string>(reviews.SelectMany(r => ChineseWords.Cut(Core.Mentions.ChineseScript.ToSimplified(r)) ?? []), StringComparer.Ordinal);
        var bigramTop = BigramTop(reviews, 40);
        var fragments = bigramTop.Where(b => !words.Contains(b)).ToList();

        var top = MentionWords.Top(reviews, [], 40).Select(t => t.Term).ToList();
        output.WriteLine($"{reviews.Count} reviews; bigram top 40: {string.Join(" ", bigramTop)}");
        output.WriteLine($"fragments (no word of these texts): {string.Join(" ", fragments)}");
        output.WriteLine($"word-level top 40: {string.Join(" ", top)}");

        fragments.Count.ShouldBeGreaterThanOrEqualTo(5, $"bigram top terms: {string.Join(" ", bigramTop)}");
        top.Intersect(fragments).ShouldBeEmpty($"word-level top terms: {string.Join(" ", top)}");
        top.ShouldContain(t => t.Length >= 3, "a word longer than a bigram reaches the top");
        top.ShouldContain("物流");
    }

    private static IEnumerable<string> NegativeFruitReviews()
    {
        using var parser = new TextFieldParser(Path.Combine(TestPaths.Corpus, "sentiment-zh-reviews", "online_shopping_10_cats.csv")) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        int cat = Array.IndexOf(header, "cat"), label = Array.IndexOf(header, "label"), review = Array.IndexOf(header, "review");
        while (!parser.EndOfData)
        {
            var row = parser.ReadFields()!;
            if (row.Length > review && row[cat] == "水果" && row[label] == "0" && row[review].Length > 0)
            {
                yield return row[review];
            }
        }
    }

    /// <summary>What the console counted before: overlapping Chinese bigrams, once per text, seen in more than one text.</summary>
    private static List<string> BigramTop(IEnumerable<string> texts, int count)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var folded = Core.Mentions.ChineseScript.ToSimplified(text);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < folded.Length; i++)
            {
                if (Core.Mentions.TextNormalizer.IsCjk(folded[i]) && Core.Mentions.TextNormalizer.IsCjk(folded[i + 1]) && seen.Add(folded.Substring(i, 2)))
                {
                    counts[folded.Substring(i, 2)] = counts.GetValueOrDefault(folded.Substring(i, 2)) + 1;
                }
            }
        }

        return [.. counts.Where(kv => kv.Value > 1).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(count).Select(kv => kv.Key)];
    }
}
