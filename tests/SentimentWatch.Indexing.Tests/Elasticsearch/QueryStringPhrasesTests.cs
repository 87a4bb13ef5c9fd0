using Lucene.Net.Util;
using SentimentWatch.Indexing.Elasticsearch;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

public sealed class QueryStringPhrasesTests
{
    [Theory]
    [InlineData("退款到账", "\"退款到账\"")]
    [InlineData("退款 到账", "退款 到账")]
    [InlineData("text:退款到账 refund", "text:\"退款到账\" refund")]
    [InlineData("+退款到账^2 -客服", "+\"退款到账\"^2 -客服")]
    [InlineData("(退款到账 OR 快递) AND refunds", "(\"退款到账\" OR 快递) AND refunds")]
    [InlineData("e-mail", "\"e-mail\"")]
    [InlineData("\"退款到账\" \"great support\"", "\"退款到账\" \"great support\"")]
    [InlineData("author:小王小李 source:(退款到账)", "author:小王小李 source:(退款到账)")]
    [InlineData("退款* 退款到账~1 published:[1 TO 2]", "退款* 退款到账~1 published:[1 TO 2]")]
    [InlineData("refund \\\"unclosed", "refund \\\"unclosed")]
    public void WordsThatAnalyseIntoSeveralPositionsAreQuotedAndNothingElseChanges(string query, string sent)
    {
        using var analyzer = new MentionTextAnalyzer(LuceneVersion.LUCENE_48);

        QueryStringPhrases.Quote(query, analyzer, "text").ShouldBe(sent);
    }
}
