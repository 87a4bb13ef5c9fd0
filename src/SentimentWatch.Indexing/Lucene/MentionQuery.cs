using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>Turns a <see cref="MentionFilter"/> into a Lucene query: the text part scores, the filters do not.</summary>
internal sealed class MentionQuery(LuceneVersion version, Analyzer textAnalyzer)
{
    private const int MaxCachedFilters = 512;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Filter> termFilters = new(StringComparer.Ordinal);

    private readonly Analyzer queryAnalyzer = new PerFieldAnalyzerWrapper(
        textAnalyzer,
        MentionDocument.KeywordFields.ToDictionary(f => f, Analyzer (_) => new KeywordAnalyzer()));

    /// <summary>The scoring part alone (null when there is no text query); snippets are cut from its terms.</summary>
    public Query? ParseText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            // Analysts paste text with stray quotes, colons and URLs; searching the words beats an error (decision 254).
            return SearchQuerySyntax.FirstReading(text, reading => CreateParser().Parse(reading)).Result;
        }
        catch (Exception ex) when (ex is ParseException or BooleanQuery.TooManyClausesException)
        {
            // The API checks queries at the door (SearchQuerySyntax); this keeps any other caller's
            // bad query an argument error rather than an engine failure.
            throw new InvalidSearchQueryException(SearchQuerySyntax.Check(text) ?? ex.Message, ex);
        }
    }

    /// <summary>
    /// The query text as Lucene's classic syntax accepts it (Elasticsearch's <c>query_string</c> is
    /// the same syntax): the first of <see cref="SearchQuerySyntax.Readings"/> that parses, so both engines read it alike.
    /// </summary>
    public string SyntaxSafe(string text)
    {
        try
        {
            return SearchQuerySyntax.FirstReading(text, reading => CreateParser().Parse(reading)).Reading;
        }
        catch (Exception ex) when (ex is ParseException or BooleanQuery.TooManyClausesException)
        {
            throw new InvalidSearchQueryException(SearchQuerySyntax.Check(text) ?? ex.Message, ex);
        }
    }

    public Query Build(MentionFilter filter, out Query? textQuery)
    {
        textQuery = ParseText(filter.Query);
        var query = textQuery ?? new MatchAllDocsQuery();
        foreach (var term in TermFilters(filter))
        {
            query = new FilteredQuery(query, term);
        }

        if (filter.MinReach is { } minReach)
        {
            query = new FilteredQuery(query, ColumnQueries.Range(MentionDocument.Reach, minReach, null));
        }

        if (filter.From is not null || filter.To is not null)
        {
            // [From, To): consecutive windows never count a mention twice. Checked per candidate
            // against the cached publish-time column, which beats a numeric range query here.
            query = new FilteredQuery(query, ColumnQueries.Range(MentionDocument.Published, filter.From?.ToUnixTimeMilliseconds(), filter.To?.ToUnixTimeMilliseconds()));
        }

        if (filter.Unscored == false)
        {
            var scored = new BooleanQuery
            {
                { query, Occur.MUST },
                { new TermQuery(new Term(MentionDocument.Sentiment, MentionDocument.Unscored)), Occur.MUST_NOT },
            };
            query = scored;
        }

        return query;
    }

    private IEnumerable<Filter> TermFilters(MentionFilter filter)
    {
        var terms = new List<(string Field, string? Value)>
        {
            (MentionDocument.Watch, filter.Watch),
            (MentionDocument.Source, filter.Source),
            (MentionDocument.Topic, filter.Topic),
            (MentionDocument.Author, filter.Author),
            (MentionDocument.Language, filter.Language),
            (MentionDocument.Sentiment, filter.Sentiment is { } sentiment ? SentimentScore.ToWire(sentiment) : null),
            (MentionDocument.Sentiment, filter.Unscored == true ? MentionDocument.Unscored : null),
        };
        foreach (var (field, value) in terms)
        {
            if (!string.IsNullOrEmpty(value))
            {
                yield return CachedTermFilter(field, value);
            }
        }
    }

    /// <summary>
    /// Keyword filters repeat (sentiment, source, watch): their per-segment match sets are cached,
    /// and stay valid across refreshes for every segment that did not change.
    /// </summary>
    private Filter CachedTermFilter(string field, string value)
    {
        var key = field + "\u0000" + value;
        if (termFilters.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (termFilters.Count >= MaxCachedFilters)
        {
            // Many distinct authors filtered once each: start over rather than grow without bound.
            termFilters.Clear();
        }

        return termFilters.GetOrAdd(key, _ => new CachingWrapperFilter(new QueryWrapperFilter(new TermQuery(new Term(field, value)))));
    }

    private ScriptFoldingQueryParser CreateParser() => new(version, MentionDocument.Text, queryAnalyzer)
    {
        // "refund slow" means both words, as in every search box analysts know.
        DefaultOperator = Operator.AND,
        // Chinese has no spaces: 退款太慢 becomes the bigrams 退款 款太 太慢, which must be
        // adjacent to mean the same words, so a run of bigrams is searched as a phrase.
        AutoGeneratePhraseQueries = true,
        AllowLeadingWildcard = false,
        // Keyword fields keep their case, as Elasticsearch's do: author:Zoë* must find Zoë (Fold lower-cases the text field's).
        LowercaseExpandedTerms = false,
    };

    /// <summary>
    /// The classic parser does not analyse wildcard, prefix and fuzzy terms (it only lower-cases
    /// them); Elasticsearch normalises them with the field analyzer's char filters, which fold
    /// Traditional to Simplified. Folding them here too keeps 華為* finding what 华为* finds, in both engines.
    /// </summary>
    private sealed class ScriptFoldingQueryParser(LuceneVersion version, string field, Analyzer analyzer) : QueryParser(version, field, analyzer)
    {
        protected override Query GetWildcardQuery(string field, string termStr) => base.GetWildcardQuery(field, Fold(field, termStr));

        protected override Query GetPrefixQuery(string field, string termStr) => base.GetPrefixQuery(field, Fold(field, termStr));

        protected override Query GetFuzzyQuery(string field, string termStr, float minSimilarity) => base.GetFuzzyQuery(field, Fold(field, termStr), minSimilarity);

        private static string Fold(string field, string term) => field == MentionDocument.Text ? ChineseScript.ToSimplified(term).ToLowerInvariant() : term;
    }

    /// <summary>The analysed text terms a query looks for (not the negated ones), for snippets.</summary>
    public static HashSet<string> HighlightTerms(Query? query)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        Collect(query, terms);
        return terms;

        static void Collect(Query? query, HashSet<string> terms)
        {
            switch (query)
            {
                case TermQuery term when term.Term.Field == MentionDocument.Text:
                    terms.Add(term.Term.Text);
                    break;
                case PhraseQuery phrase:
                    foreach (var term in phrase.GetTerms())
                    {
                        if (term.Field == MentionDocument.Text)
                        {
                            terms.Add(term.Text);
                        }
                    }

                    break;
                case MultiPhraseQuery multi:
                    foreach (var array in multi.GetTermArrays())
                    {
                        foreach (var term in array)
                        {
                            if (term.Field == MentionDocument.Text)
                            {
                                terms.Add(term.Text);
                            }
                        }
                    }

                    break;
                case BooleanQuery boolean:
                    foreach (var clause in boolean.Clauses)
                    {
                        if (clause.Occur != Occur.MUST_NOT)
                        {
                            Collect(clause.Query, terms);
                        }
                    }

                    break;
            }
        }
    }
}
