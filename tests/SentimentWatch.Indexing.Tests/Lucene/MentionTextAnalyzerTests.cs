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

    private static List<(string Term, int Start, int End)> Tokens(string text)
    {
        var tokens = new List<(string Term, int Start, int End)>();
        using var stream = Analyzer.GetTokenStream("text", text);
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
