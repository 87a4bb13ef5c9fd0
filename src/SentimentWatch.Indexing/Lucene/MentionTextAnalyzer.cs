using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// One analysis chain for Chinese, English and mixed text in the same field. Traditional
/// characters are first folded to Simplified (華為 → 华为, from <see cref="ChineseScript.Pairs"/>;
/// decision 026), so either script finds both. Han characters then become overlapping bigrams
/// (what CJKAnalyzer and Elasticsearch's <c>cjk</c> analyzer do, so 退款 and 客服 are single
/// terms); Latin words are lower-cased, stop words dropped and stemmed. Each English word is
/// indexed both as written and stemmed at the same position: "refund" still finds "refunds", but
/// a query for "refunds" scores the exact form higher.
/// </summary>
public sealed class MentionTextAnalyzer : Analyzer
{
    private readonly LuceneVersion version;
    private readonly Func<TextReader, TextReader> scriptFold;

    public MentionTextAnalyzer(LuceneVersion version)
        : this(version, reader => new TraditionalToSimplifiedCharFilter(reader))
    {
    }

    /// <summary>The same chain with another script fold before the tokenizer (or none): for <c>bench index --analysis</c>.</summary>
    internal MentionTextAnalyzer(LuceneVersion version, Func<TextReader, TextReader> scriptFold, bool luceneFilters = false)
    {
        this.version = version;
        this.scriptFold = scriptFold;
        this.luceneFilters = luceneFilters;
    }

    private readonly bool luceneFilters;

    /// <summary>The chain built from Lucene's own lower-case, keyword-repeat and duplicate-removal filters, which the fast ones must equal token for token (tests).</summary>
    internal static MentionTextAnalyzer WithLuceneFilters(LuceneVersion version) => new(version, reader => new TraditionalToSimplifiedCharFilter(reader), luceneFilters: true);

    /// <summary>
    /// What the chain produces, recorded with every commit of a Lucene index: an index built by an
    /// older chain answers some queries wrongly until it is rebuilt (<c>reindex --clean</c>).
    /// 1: bigrams + English stemming (decision 030); 2: Traditional folded to Simplified first.
    /// </summary>
    public const int AnalysisVersion = 2;

    /// <summary>
    /// A char filter rather than a token filter: it runs before the tokenizer, as Elasticsearch's
    /// <c>mapping</c> char filter over the same pairs does, and maps one character to one, so
    /// offsets (and so snippet highlights) still point at the characters as written.
    /// </summary>
    protected override TextReader InitReader(string fieldName, TextReader reader) => scriptFold(reader);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        // Decisions 190, 229: the fast filters give the same tokens as Lucene's (a test compares them on real posts).
        stream = luceneFilters ? new LowerCaseFilter(version, stream) : new FastLowerCaseFilter(version, stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(version, stream, EnglishAnalyzer.DefaultStopSet);
        stream = new EnglishPossessiveFilter(version, stream);
        stream = luceneFilters ? new KeywordRepeatFilter(stream) : new CheapKeywordRepeatFilter(stream);
        stream = new PorterStemFilter(stream);
        stream = luceneFilters ? new RemoveDuplicatesTokenFilter(stream) : new ReusingRemoveDuplicatesFilter(stream);
        return new TokenStreamComponents(source, stream);
    }
}
