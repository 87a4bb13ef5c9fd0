using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

public sealed class MentionTextAnalyzerTests
{
    private static readonly MentionTextAnalyzer Analyzer = new(LuceneVersion.LUCENE_48);

    [Fact]
    public void TraditionalCharactersAreIndexedAsSimplifiedBigramsWithOffsetsIntoTheTextAsWritten()
    {
        Tokens("華為退貨 refunds").ShouldBe(
        [
            ("华为", 0, 2),
            ("为退", 1, 3),
            ("退货", 2, 4),
            ("refunds", 5, 12),
            ("refund", 5, 12),
        ]);
    }

    [Fact]
    public void TraditionalAndSimplifiedSpellingsOfAPostAnalyseToTheSameTerms()
    {
        Tokens("華為手機品質太差，退貨還要等兩週").Select(t => t.Term)
            .ShouldBe(Tokens("华为手机品质太差，退货还要等两周").Select(t => t.Term));
    }

    [Fact]
    public void EnglishIsLowerCasedStemmedAndStrippedOfStopWordsAndPossessivesAsBefore()
    {
        Tokens("The customer's Refunds were DELAYED again").ShouldBe(
        [
            ("customer", 4, 14),
            ("custom", 4, 14),
            ("refunds", 15, 22),
            ("refund", 15, 22),
            ("were", 23, 27),
            ("delayed", 28, 35),
            ("delai", 28, 35),
            ("again", 36, 41),
        ]);
    }

    [Fact]
    public void FullWidthLatinAndSimplifiedTextPassThroughTheFoldUnchanged()
    {
        Tokens("ＲＥＦＵＮＤ 退款").ShouldBe([("refund", 0, 6), ("退款", 7, 9)]);
    }

    [Fact]
    public void The_fast_filters_give_exactly_the_tokens_of_Lucenes_own_on_real_posts_and_on_every_kind_of_case()
    {
        // Decision 190 replaced LowerCaseFilter and KeywordRepeatFilter with cheaper equivalents, decision 229
        // RemoveDuplicatesTokenFilter; the index must not change.
        using var reference = MentionTextAnalyzer.WithLuceneFilters(LuceneVersion.LUCENE_48);
        string[] tricky =
        [
            "İstanbul ISTANBUL ıI", "STRASSE Straße ẞ", "ΟΔΥΣΣΕΥΣ Σίσυφος", "ПРИВЕТ Мир", "𝐀𝐁𝐂 𐐀𐐁 emoji 😀 OK",
            "ＦＵＬＬ ｗｉｄｔｈ ＡＢＣ", "ÀÉÎÕÜ àéîõü", "Ǆ ǅ ǆ", "退款 REFUND 返金 ヨドバシ 한국어 ABC", "don't WON'T Customer's",
            "running RUNS ran Delayed delays", "#Hashtag @Mention http://Example.COM/Path?Q=1", "",
            // Duplicates at one position (a word its own stem) around words longer than the filter's first buffers.
            "refund refund REFUND internationalization INTERNATIONALIZATIONS supercalifragilisticexpialidocious a the cat cats",
        ];
        var texts = tricky.Concat(RealPosts(4_000)).ToList();
        var compared = 0;
        foreach (var text in texts)
        {
            var expected = TokensWithPositions(reference, text);
            TokensWithPositions(Analyzer, text).ShouldBe(expected, text);
            compared += expected.Count;
        }

        compared.ShouldBeGreaterThan(50);
    }

    /// <summary>Real Weibo posts and tweets from the training data when it is at hand (../shared/data), else none.</summary>
    private static IEnumerable<string> RealPosts(int each)
    {
        var data = Environment.GetEnvironmentVariable("SENTIMENTWATCH_DATA") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data"));
        foreach (var file in new[] { Path.Combine(data, "sentiment-zh-weibo", "smp2020_ewect_weibo.csv"), Path.Combine(data, "sentiment-en-tweets", "semeval2017_task4a_en.csv") })
        {
            if (File.Exists(file))
            {
                foreach (var line in File.ReadLines(file).Skip(1).Take(each))
                {
                    yield return line;
                }
            }
        }
    }

    private static List<(string Term, int Start, int End)> Tokens(string text) => Tokens(Analyzer, text);

    private static List<(string Term, int Start, int End, int Increment)> TokensWithPositions(MentionTextAnalyzer analyzer, string text)
    {
        var tokens = new List<(string Term, int Start, int End, int Increment)>();
        using var stream = analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset, increment.PositionIncrement));
        }

        stream.End();
        return tokens;
    }

    private static List<(string Term, int Start, int End)> Tokens(MentionTextAnalyzer analyzer, string text)
    {
        var tokens = new List<(string Term, int Start, int End)>();
        using var stream = analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }
}
