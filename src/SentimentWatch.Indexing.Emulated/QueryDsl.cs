using System.Text.Json;
using System.Text.Json.Nodes;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// The documented query DSL subset the mention index sends (bool, match_all, ids, term, terms,
/// range, query_string), translated against one index's mappings into the Lucene query
/// Elasticsearch builds for it. Unknown query types and parameters are refused with the
/// node's <c>parsing_exception</c>; valid ones outside the subset with <c>not_emulated_exception</c>.
/// </summary>
internal static class QueryDsl
{
    private static readonly HashSet<string> KnownButNotEmulated = new(StringComparer.Ordinal)
    {
        "match", "match_phrase", "match_phrase_prefix", "multi_match", "simple_query_string", "exists", "prefix", "wildcard",
        "regexp", "fuzzy", "constant_score", "dis_max", "function_score", "boosting", "nested", "has_child", "has_parent",
        "terms_set", "intervals", "match_bool_prefix", "combined_fields", "script", "script_score", "more_like_this", "geo_distance",
        "geo_bounding_box", "match_none", "span_term", "span_near", "span_or", "pinned", "rank_feature", "distance_feature",
    };

    public static Query Build(JsonNode? node, IndexDefinition mappings)
    {
        if (node is not JsonObject query || query.Count != 1)
        {
            throw ElasticsearchError.Parsing(node is JsonObject { Count: > 1 } many
                ? $"[{many.First().Key}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]"
                : "query malformed, must start with start_object");
        }

        var (type, body) = query.First();
        return type switch
        {
            "match_all" => MatchAll(Object(type, body)),
            "bool" => Bool(Object(type, body), mappings),
            "ids" => Ids(Object(type, body)),
            "term" => Term(Object(type, body), mappings),
            "terms" => Terms(Object(type, body), mappings),
            "range" => Range(Object(type, body), mappings),
            "query_string" => QueryString(Object(type, body), mappings),
            _ when KnownButNotEmulated.Contains(type) => throw ElasticsearchError.NotEmulated($"the [{type}] query"),
            _ => throw new ElasticsearchError(400, "parsing_exception", $"unknown query [{type}]", new JsonObject
            {
                ["caused_by"] = new JsonObject { ["type"] = "named_object_not_found_exception", ["reason"] = $"unknown field [{type}]" },
            }),
        };
    }

    /// <summary>In filter context a clause decides membership only and scores 0, as in Elasticsearch.</summary>
    private static Query NonScoring(Query query) => new ConstantScoreQuery(query) { Boost = 0f };

    private static JsonObject Object(string type, JsonNode? body) =>
        body as JsonObject ?? throw ElasticsearchError.Parsing($"[{type}] query malformed, no start_object after query name");

    private static void Only(string type, JsonObject body, params string[] parameters)
    {
        foreach (var key in body.Select(p => p.Key))
        {
            if (!parameters.Contains(key))
            {
                throw ElasticsearchError.Parsing($"[{type}] query does not support [{key}]");
            }
        }
    }

    private static float Boost(JsonObject body) => body["boost"] is { } boost ? boost.GetValue<float>() : 1f;

    private static Query MatchAll(JsonObject body)
    {
        Only("match_all", body, "boost");
        return new ConstantScoreQuery(new MatchAllDocsQuery()) { Boost = Boost(body) };
    }

    private static Query Bool(JsonObject body, IndexDefinition mappings)
    {
        Only("bool", body, "must", "filter", "should", "must_not", "minimum_should_match", "boost");
        IEnumerable<JsonNode?> Clauses(string occur) => body[occur] switch
        {
            null => [],
            JsonArray array => array,
            // One clause may be sent as the object itself (the official client does so for one-element lists).
            JsonObject single => new JsonNode?[] { single },
            _ => throw ElasticsearchError.Parsing($"[bool] query does not support [{occur}] as a value"),
        };

        var boolean = new BooleanQuery(disableCoord: true) { Boost = Boost(body) };
        foreach (var clause in Clauses("must"))
        {
            boolean.Add(Build(clause, mappings), Occur.MUST);
        }

        foreach (var clause in Clauses("filter"))
        {
            boolean.Add(NonScoring(Build(clause, mappings)), Occur.MUST);
        }

        foreach (var clause in Clauses("must_not"))
        {
            boolean.Add(Build(clause, mappings), Occur.MUST_NOT);
        }

        var should = Clauses("should").ToList();
        foreach (var clause in should)
        {
            boolean.Add(Build(clause, mappings), Occur.SHOULD);
        }

        var required = boolean.Clauses.Any(c => c.Occur == Occur.MUST);
        if (body["minimum_should_match"] is { } minimum)
        {
            boolean.MinimumNumberShouldMatch = minimum.GetValueKind() == JsonValueKind.Number
                ? minimum.GetValue<int>()
                : throw ElasticsearchError.NotEmulated("a minimum_should_match other than a whole number");
        }
        else if (should.Count > 0 && !required)
        {
            // Documented default: 1 when there are should clauses and no must or filter clause.
            boolean.MinimumNumberShouldMatch = 1;
        }

        if (boolean.Clauses.Count == 0)
        {
            return new ConstantScoreQuery(new MatchAllDocsQuery()) { Boost = boolean.Boost };
        }

        if (boolean.Clauses.All(c => c.Occur == Occur.MUST_NOT))
        {
            // A bool of only must_not clauses matches everything else (with a score of 0).
            boolean.Add(NonScoring(new MatchAllDocsQuery()), Occur.MUST);
        }

        return boolean;
    }

    private static Query Ids(JsonObject body)
    {
        Only("ids", body, "values", "boost");
        var ids = body["values"] as JsonArray ?? throw ElasticsearchError.Parsing("[ids] query malformed, [values] must be an array");
        // A constant-score set lookup (Elasticsearch's is a TermInSetQuery): no 1,024-clause limit,
        // an upsert batch asks for thousands of ids at once.
        var terms = ids.Select(id => new Term(EmulatedIndex.IdField, id?.ToString() ?? "")).ToList();
        return new ConstantScoreQuery(new global::Lucene.Net.Queries.TermsFilter(terms)) { Boost = Boost(body) };
    }

    /// <summary>A <c>term</c>/<c>terms</c>/<c>range</c> body names exactly one field.</summary>
    private static (string Field, JsonNode? Value) SingleField(string type, JsonObject body, params string[] alsoAllowed)
    {
        var fields = body.Where(p => !alsoAllowed.Contains(p.Key)).ToList();
        return fields.Count == 1
            ? (fields[0].Key, fields[0].Value)
            : throw ElasticsearchError.Parsing($"[{type}] query doesn't support multiple fields, found [{string.Join("] and [", fields.Select(f => f.Key))}]");
    }

    private static Query Term(JsonObject body, IndexDefinition mappings)
    {
        var (field, value) = SingleField("term", body);
        var boost = 1f;
        if (value is JsonObject options)
        {
            Only("term", options, "value", "boost");
            boost = Boost(options);
            value = options["value"];
        }

        return TermClause(field, value ?? throw ElasticsearchError.Parsing($"[term] query malformed, no value for [{field}]"), mappings, boost);
    }

    private static Query Terms(JsonObject body, IndexDefinition mappings)
    {
        var (field, value) = SingleField("terms", body, "boost");
        var values = value as JsonArray ?? throw ElasticsearchError.Parsing($"[terms] query does not support [{field}]");
        var query = new BooleanQuery(disableCoord: true);
        foreach (var item in values)
        {
            query.Add(TermClause(field, item!, mappings, 1f), Occur.SHOULD);
        }

        // The terms query is a constant-score query.
        return new ConstantScoreQuery(query) { Boost = Boost(body) };
    }

    private static Query TermClause(string field, JsonNode value, IndexDefinition mappings, float boost)
    {
        if (!mappings.Fields.TryGetValue(field, out var mapping) || mapping.Type == MappedType.DisabledObject)
        {
            return MatchNone();
        }

        Query query = mapping.Type switch
        {
            MappedType.Long or MappedType.Date => Exact(mapping, EmulatedIndex.Numeric(mapping, value, "_na_")),
            _ => new TermQuery(new Term(field, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString())),
        };
        query.Boost = boost;
        return query;
    }

    private static Query Range(JsonObject body, IndexDefinition mappings)
    {
        var (field, value) = SingleField("range", body);
        var bounds = value as JsonObject ?? throw ElasticsearchError.Parsing($"[range] query malformed, no start_object after query name");
        Only("range", bounds, "gte", "gt", "lte", "lt", "boost");
        if (!mappings.Fields.TryGetValue(field, out var mapping))
        {
            return MatchNone();
        }

        if (mapping.Type is MappedType.Long or MappedType.Date)
        {
            long? Bound(string name) => bounds[name] is { } node ? EmulatedIndex.Numeric(mapping, node, "_na_") : null;
            var lower = Bound("gte") ?? (Bound("gt") is { } gt ? gt + 1 : null);
            var upper = Bound("lte") ?? (Bound("lt") is { } lt ? lt - 1 : null);
            return new ConstantScoreQuery(NumericRangeQuery.NewInt64Range(field, lower, upper, true, true)) { Boost = Boost(bounds) };
        }

        string? Text(string name) => bounds[name]?.ToString();
        return new ConstantScoreQuery(TermRangeQuery.NewStringRange(field, Text("gte") ?? Text("gt"), Text("lte") ?? Text("lt"), bounds.ContainsKey("gte"), bounds.ContainsKey("lte"))) { Boost = Boost(bounds) };
    }

    private static Query QueryString(JsonObject body, IndexDefinition mappings)
    {
        foreach (var key in body.Select(p => p.Key))
        {
            if (key is "query" or "default_field" or "default_operator" or "boost")
            {
                continue;
            }

            throw key is "fields" or "analyzer" or "quote_analyzer" or "allow_leading_wildcard" or "analyze_wildcard" or "auto_generate_synonyms_phrase_query"
                or "enable_position_increments" or "fuzziness" or "fuzzy_max_expansions" or "fuzzy_prefix_length" or "fuzzy_transpositions" or "lenient"
                or "max_determinized_states" or "minimum_should_match" or "quote_field_suffix" or "phrase_slop" or "rewrite" or "time_zone" or "type" or "tie_breaker"
                ? ElasticsearchError.NotEmulated($"the query_string parameter [{key}]")
                : ElasticsearchError.Parsing($"[query_string] query does not support [{key}]");
        }

        var text = body["query"]?.ToString() ?? throw ElasticsearchError.Parsing("[query_string] must be provided with a [query]");
        var defaultField = body["default_field"]?.ToString() ?? throw ElasticsearchError.NotEmulated("query_string without default_field (searching every field, '*')");
        var defaultOperator = (body["default_operator"]?.ToString() ?? "or").ToUpperInvariant() switch
        {
            "AND" => Operator.AND,
            "OR" => Operator.OR,
            var other => throw ElasticsearchError.IllegalArgument($"No enum constant org.elasticsearch.index.query.Operator.{other}"),
        };
        try
        {
            var query = new QueryStringParser(mappings, defaultField, defaultOperator).Parse(text);
            query.Boost *= Boost(body);
            return query;
        }
        catch (ParseException ex)
        {
            throw new ElasticsearchError(400, "query_shard_exception", $"Failed to parse query [{text}]", new JsonObject
            {
                ["caused_by"] = new JsonObject { ["type"] = "parse_exception", ["reason"] = ex.Message },
            });
        }
    }

    private static Query Exact(FieldMapping field, long value) => NumericRangeQuery.NewInt64Range(field.Name, value, value, true, true);

    /// <summary>What Elasticsearch builds for an unmapped field: a query that matches nothing.</summary>
    private static BooleanQuery MatchNone() => new();

    /// <summary>
    /// Elasticsearch's <c>query_string</c> is Lucene's classic query parser with per-field
    /// semantics from the mappings: text fields analysed by their analyzer, with the terms of one
    /// analysed word joined by the default operator (there is no automatic phrase), keyword fields
    /// one exact term, numeric and date fields exact values, unmapped fields nothing.
    /// </summary>
    private sealed class QueryStringParser : QueryParser
    {
        private readonly IndexDefinition mappings;

        public QueryStringParser(IndexDefinition mappings, string defaultField, Operator defaultOperator)
            : base(LuceneVersion.LUCENE_48, defaultField, mappings.IndexAnalyzer)
        {
            this.mappings = mappings;
            DefaultOperator = defaultOperator;
            AutoGeneratePhraseQueries = false;
            AllowLeadingWildcard = true;
            // Elasticsearch normalises an expanded term with the field's own normaliser: a text field's lower-cases it, a
            // keyword field without one keeps its case (query_string's lowercase_expanded_terms is gone since 6.0).
            LowercaseExpandedTerms = false;
        }

        protected override Query GetFieldQuery(string field, string queryText, bool quoted)
        {
            if (!mappings.Fields.TryGetValue(field, out var mapping) || mapping.Type == MappedType.DisabledObject)
            {
                return MatchNone();
            }

            return mapping.Type switch
            {
                MappedType.Text => base.GetFieldQuery(field, queryText, quoted),
                MappedType.Keyword => new TermQuery(new Term(field, queryText)),
                _ => Exact(mapping, long.TryParse(queryText, System.Globalization.CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw ElasticsearchError.QueryShard($"failed to create query: For input string: \"{queryText}\"")),
            };
        }

        // Elasticsearch normalises wildcard, prefix and fuzzy terms with the text field analyzer's
        // normalising parts: char filters such as mapping, then lower case; keyword fields as written.
        protected override Query GetWildcardQuery(string field, string termStr) => base.GetWildcardQuery(field, Normalize(field, termStr));

        protected override Query GetPrefixQuery(string field, string termStr) => base.GetPrefixQuery(field, Normalize(field, termStr));

        protected override Query GetFuzzyQuery(string field, string termStr, float minSimilarity) => base.GetFuzzyQuery(field, Normalize(field, termStr), minSimilarity);

        private string Normalize(string field, string term) =>
            !mappings.Fields.TryGetValue(field, out var mapping) || mapping.Type != MappedType.Text ? term
            : mapping.Analyzer is IndexDefinition.ChainAnalyzer chain ? chain.ApplyCharFilters(term).ToLowerInvariant()
            : term.ToLowerInvariant();

        protected override Query GetRangeQuery(string field, string part1, string part2, bool startInclusive, bool endInclusive)
        {
            if (!mappings.Fields.TryGetValue(field, out var mapping))
            {
                return MatchNone();
            }

            if (mapping.Type is MappedType.Long or MappedType.Date)
            {
                long? Bound(string part) => part == "*" ? null : EmulatedIndex.Numeric(mapping, JsonValue.Create(part)!, "_na_");
                return NumericRangeQuery.NewInt64Range(field, Bound(part1), Bound(part2), startInclusive, endInclusive);
            }

            return base.GetRangeQuery(field, part1, part2, startInclusive, endInclusive);
        }
    }
}
