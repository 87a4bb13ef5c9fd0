using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>Turns a <see cref="MentionFilter"/> into a Lucene query: the text part scores, the filters do not.</summary>
internal sealed class MentionQuery(LuceneVersion version, Analyzer textAnalyzer)
{
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
            return CreateParser().Parse(text);
        }
        catch (ParseException)
        {
            // Analysts paste text with stray quotes and colons; searching the words beats an error.
            return CreateParser().Parse(QueryParserBase.Escape(text));
        }
    }

    /// <summary>
    /// The query text as Lucene's classic syntax accepts it (Elasticsearch's <c>query_string</c> is
    /// the same syntax): unchanged when it parses, else with every operator character escaped.
    /// </summary>
    public string SyntaxSafe(string text)
    {
        try
        {
            CreateParser().Parse(text);
            return text;
        }
        catch (ParseException)
        {
            return QueryParserBase.Escape(text);
        }
    }

    public Query Build(MentionFilter filter, out Query? textQuery)
    {
        textQuery = ParseText(filter.Query);
        var filters = Filters(filter);
        if (filters is null)
        {
            return textQuery ?? new MatchAllDocsQuery();
        }

        return textQuery is null
            ? new ConstantScoreQuery(filters)
            : new FilteredQuery(textQuery, new QueryWrapperFilter(filters));
    }

    private static BooleanQuery? Filters(MentionFilter filter)
    {
        var query = new BooleanQuery();
        if (filter.From is not null || filter.To is not null)
        {
            // [From, To): consecutive windows never count a mention twice.
            query.Add(NumericRangeQuery.NewInt64Range(
                MentionDocument.Published,
                filter.From?.ToUnixTimeMilliseconds(),
                filter.To?.ToUnixTimeMilliseconds(),
                minInclusive: true,
                maxInclusive: false), Occur.MUST);
        }

        AddTerm(query, MentionDocument.Watch, filter.Watch);
        AddTerm(query, MentionDocument.Source, filter.Source);
        AddTerm(query, MentionDocument.Topic, filter.Topic);
        AddTerm(query, MentionDocument.Author, filter.Author);
        AddTerm(query, MentionDocument.Language, filter.Language);
        if (filter.Sentiment is { } sentiment)
        {
            AddTerm(query, MentionDocument.Sentiment, SentimentScore.ToWire(sentiment));
        }

        if (filter.MinReach is { } minReach)
        {
            query.Add(NumericRangeQuery.NewInt64Range(MentionDocument.Reach, minReach, null, true, true), Occur.MUST);
        }

        switch (filter.Unscored)
        {
            case true:
                AddTerm(query, MentionDocument.Sentiment, MentionDocument.Unscored);
                break;
            case false:
                if (query.Clauses.Count == 0)
                {
                    query.Add(new MatchAllDocsQuery(), Occur.MUST);
                }

                query.Add(new TermQuery(new Term(MentionDocument.Sentiment, MentionDocument.Unscored)), Occur.MUST_NOT);
                break;
        }

        return query.Clauses.Count == 0 ? null : query;
    }

    private static void AddTerm(BooleanQuery query, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        }
    }

    private QueryParser CreateParser() => new(version, MentionDocument.Text, queryAnalyzer)
    {
        // "refund slow" means both words, as in every search box analysts know.
        DefaultOperator = Operator.AND,
        // Chinese has no spaces: 退款太慢 becomes the bigrams 退款 款太 太慢, which must be
        // adjacent to mean the same words, so a run of bigrams is searched as a phrase.
        AutoGeneratePhraseQueries = true,
        AllowLeadingWildcard = false,
    };

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
