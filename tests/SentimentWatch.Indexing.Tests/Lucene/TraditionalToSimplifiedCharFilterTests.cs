using System.Text;
using Lucene.Net.Analysis.CharFilters;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

public sealed class TraditionalToSimplifiedCharFilterTests
{
    [Fact]
    public void FoldsEveryPairExactlyAsLuceneMappingCharFilterDoesWhichIsWhatElasticsearchRuns()
    {
        // Every traditional character, each between simplified and Latin text, read in odd-sized chunks.
        var text = new StringBuilder();
        foreach (var (traditional, _) in ChineseScript.Pairs)
        {
            text.Append(traditional).Append("华x ");
        }

        var builder = new NormalizeCharMap.Builder();
        foreach (var (traditional, simplified) in ChineseScript.Pairs)
        {
            builder.Add(traditional.ToString(), simplified.ToString());
        }

        var folded = ReadAll(new TraditionalToSimplifiedCharFilter(new StringReader(text.ToString())), 7);
        folded.ShouldBe(ReadAll(new MappingCharFilter(builder.Build(), new StringReader(text.ToString())), 7));
        folded.ShouldBe(ChineseScript.ToSimplified(text.ToString()));
        folded.ShouldNotBe(text.ToString());
    }

    [Fact]
    public void OffsetsAreNotMovedBecauseEveryCharacterMapsToOne()
    {
        using var filter = new TraditionalToSimplifiedCharFilter(new StringReader("華為 refund"));
        ReadAll(filter, 64).ShouldBe("华为 refund");
        filter.CorrectOffset(0).ShouldBe(0);
        filter.CorrectOffset(2).ShouldBe(2);
        filter.CorrectOffset(9).ShouldBe(9);
    }

    private static string ReadAll(TextReader reader, int chunk)
    {
        var result = new StringBuilder();
        var buffer = new char[chunk + 3];
        int read;
        while ((read = reader.Read(buffer, 3, chunk)) > 0)
        {
            result.Append(buffer, 3, read);
        }

        return result.ToString();
    }
}
