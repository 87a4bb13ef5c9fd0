using Lucene.Net.Analysis.Core;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Tests;

/// <summary>
/// Decision 254's readings of a search query. A final review found the first version let an unclosed quote bring a regular
/// expression back: what followed the quote was copied as a phrase's text, and the balanced reading then parsed it as
/// <c>/…/</c>, an automaton of millions of states (and <c>reach:abc</c> as a field, a 500 on Elasticsearch).
/// </summary>
public sealed class SearchQueryReadingsTests
{
    [Theory]
    [InlineData("\"x /[ab]*a[ab]{24}/")]
    [InlineData("/[ab]*a[ab]{24}/")]
    [InlineData("refund \"slow /a.*/ reach:abc")]
    public void NoReadingIsARegularExpressionOrAnUnknownField(string query)
    {
        var parsed = 0;
        foreach (var reading in SearchQuerySyntax.Readings(query))
        {
            Query result;
            try
            {
                result = new QueryParser(LuceneVersion.LUCENE_48, "text", new WhitespaceAnalyzer(LuceneVersion.LUCENE_48)).Parse(reading);
            }
            catch (ParseException)
            {
                continue;
            }

            parsed++;
            Leaves(result).ShouldAllBe(q => !(q is RegexpQuery), reading);
            Leaves(result).OfType<TermQuery>().ShouldAllBe(t => t.Term.Field == "text", reading);
        }

        parsed.ShouldBeGreaterThan(0);
    }

    private static IEnumerable<Query> Leaves(Query query) =>
        query is BooleanQuery boolean ? boolean.Clauses.SelectMany(c => Leaves(c.Query)) : [query];
}
