using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// One analysis chain for Chinese, English and mixed text in the same field. Han characters
/// become overlapping bigrams (what CJKAnalyzer and Elasticsearch's <c>cjk</c> analyzer do, so
/// 退款 and 客服 are single terms); Latin words are lower-cased, stop words dropped and stemmed.
/// Each English word is indexed both as written and stemmed at the same position: "refund"
/// still finds "refunds", but a query for "refunds" scores the exact form higher.
/// </summary>
public sealed class MentionTextAnalyzer(LuceneVersion version) : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(version, stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(version, stream, EnglishAnalyzer.DefaultStopSet);
        stream = new EnglishPossessiveFilter(version, stream);
        stream = new KeywordRepeatFilter(stream);
        stream = new PorterStemFilter(stream);
        stream = new RemoveDuplicatesTokenFilter(stream);
        return new TokenStreamComponents(source, stream);
    }
}
