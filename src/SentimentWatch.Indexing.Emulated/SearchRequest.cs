using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// A <c>_search</c> over one or more indices as the reference documents it: query, <c>from</c>/
/// <c>size</c>, <c>sort</c> with <c>search_after</c>, <c>track_total_hits</c>, <c>_source</c>
/// filtering and the <c>terms</c> and <c>date_histogram</c> aggregations (with
/// <c>typed_keys</c> names). Each index scores its own matches (one shard each), as a node does.
/// </summary>
internal static class SearchRequest
{
    private const int MaxResultWindow = 10_000;

    private static readonly string[] BodyKeys = ["query", "size", "from", "sort", "search_after", "track_total_hits", "_source", "aggs", "aggregations"];

    private static readonly string[] KnownButNotEmulatedKeys =
        ["highlight", "post_filter", "suggest", "collapse", "explain", "fields", "docvalue_fields", "stored_fields", "script_fields", "min_score", "timeout",
         "terminate_after", "track_scores", "version", "seq_no_primary_term", "pit", "rescore", "knn", "runtime_mappings", "indices_boost", "profile", "stats", "slice"];

    public static JsonObject Execute(IReadOnlyList<EmulatedIndex> indices, JsonObject body, bool typedKeys, int maxBuckets = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (key, value) in body)
        {
            if (!BodyKeys.Contains(key))
            {
                throw KnownButNotEmulatedKeys.Contains(key)
                    ? ElasticsearchError.NotEmulated($"the search body field [{key}]")
                    : ElasticsearchError.Parsing($"Unknown key for a {Token(value)} in [{key}].");
            }
        }

        var size = Integer(body, "size", 10);
        var from = Integer(body, "from", 0);
        if (from + size > MaxResultWindow)
        {
            throw ElasticsearchError.IllegalArgument($"Result window is too large, from + size must be less than or equal to: [{MaxResultWindow}] but was [{from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.");
        }

        var sort = body["sort"] is { } sortNode ? Sorts(sortNode, indices) : null;
        var effectiveSort = sort ?? [SortField.Score];
        var hits = Matches(indices, body["query"]).ToList();
        var keyed = hits.Select(hit => (Hit: hit, Key: effectiveSort.Select(s => s.ValueOf(hit)).ToArray()))
            .OrderBy(h => h.Key, new SortKeyComparer(effectiveSort))
            .ToList();

        if (body["search_after"] is { } afterNode)
        {
            if (from > 0)
            {
                throw ElasticsearchError.IllegalArgument("[from] parameter must be set to 0 when [search_after] is used");
            }

            if (sort is null)
            {
                throw ElasticsearchError.NotEmulated("search_after without an explicit sort");
            }

            var after = afterNode as JsonArray ?? throw ElasticsearchError.Parsing("[search_after] must be an array");
            if (after.Count != sort.Count)
            {
                throw ElasticsearchError.IllegalArgument($"search_after has {after.Count} value(s) but sort has {sort.Count}.");
            }

            var afterKey = sort.Select((s, i) => s.Parse(after[i])).ToArray();
            var comparer = new SortKeyComparer(sort);
            keyed = [.. keyed.Where(h => comparer.Compare(h.Key, afterKey) > 0)];
        }

        var tracksScores = effectiveSort.Any(s => s.IsScore);
        var page = new JsonArray();
        foreach (var (hit, key) in keyed.Skip(from).Take(size))
        {
            var document = new JsonObject
            {
                ["_index"] = hit.Index.Name,
                ["_id"] = hit.Id,
                ["_score"] = tracksScores ? JsonValue.Create(hit.Score) : null,
            };
            if (SourceFilter(body["_source"]) is { } filter)
            {
                document["_source"] = filter(hit.Source);
            }

            if (sort is not null)
            {
                document["sort"] = new JsonArray([.. key.Select(v => v switch
                {
                    null => null,
                    float f => JsonValue.Create(f),
                    long l => JsonValue.Create(l),
                    _ => (JsonNode?)JsonValue.Create((string)v),
                })]);
            }

            page.Add(document);
        }

        var hitsObject = new JsonObject();
        if (TotalHits(body["track_total_hits"], hits.Count) is { } total)
        {
            hitsObject["total"] = total;
        }

        hitsObject["max_score"] = tracksScores && hits.Count > 0 ? JsonValue.Create(hits.Max(h => h.Score)) : null;
        hitsObject["hits"] = page;

        var shards = indices.Sum(i => i.Definition.Shards);
        var response = new JsonObject
        {
            ["took"] = (int)clock.ElapsedMilliseconds,
            ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = shards, ["successful"] = shards, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = hitsObject,
        };
        var aggregations = body["aggs"] ?? body["aggregations"];
        if (body.ContainsKey("aggs") && body.ContainsKey("aggregations"))
        {
            throw ElasticsearchError.Parsing("Found two aggregation definitions: [aggs] and [aggregations]");
        }

        if (aggregations is not null)
        {
            var computed = Aggregations.Compute(aggregations as JsonObject ?? throw ElasticsearchError.Parsing("[aggs] must be an object"), hits, indices, typedKeys);
            if (Buckets(computed) > maxBuckets)
            {
                throw ElasticsearchError.TooManyBuckets(maxBuckets);
            }

            response["aggregations"] = computed;
        }

        return response;
    }

    /// <summary>Every bucket of every multi-bucket aggregation, sub-aggregations included (what <c>search.max_buckets</c> counts).</summary>
    private static long Buckets(JsonNode? node) => node switch
    {
        JsonObject o => o.Sum(p => p.Key == "buckets" ? (p.Value is JsonArray a ? a.Count : p.Value is JsonObject k ? k.Count : 0) + Buckets(p.Value) : Buckets(p.Value)),
        JsonArray a => a.Sum(Buckets),
        _ => 0,
    };

    /// <summary>Every searchable match of a query (match_all when none), across the indices.</summary>
    public static IEnumerable<StoredHit> Matches(IReadOnlyList<EmulatedIndex> indices, JsonNode? query)
    {
        // Parse once against no mappings so a malformed query fails even when no index matches.
        _ = QueryDsl.Build(query ?? new JsonObject { ["match_all"] = new JsonObject() }, IndexDefinition.Empty);
        return indices.SelectMany(index => index.Search(QueryDsl.Build(query ?? new JsonObject { ["match_all"] = new JsonObject() }, index.Definition))).ToList();
    }

    public static string Token(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Object => "START_OBJECT",
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        JsonValueKind.True or JsonValueKind.False => "VALUE_BOOLEAN",
        _ => "VALUE_NULL",
    };

    private static int Integer(JsonObject body, string name, int fallback)
    {
        if (body[name] is not { } node)
        {
            return fallback;
        }

        var value = node.GetValueKind() == JsonValueKind.Number ? node.GetValue<int>() : throw ElasticsearchError.Parsing($"[{name}] must be a number");
        return value >= 0 ? value : throw ElasticsearchError.IllegalArgument($"[{name}] parameter cannot be negative, found [{value}]");
    }

    private static JsonObject? TotalHits(JsonNode? track, int count)
    {
        var threshold = track?.GetValueKind() switch
        {
            null => 10_000,
            JsonValueKind.True => int.MaxValue,
            JsonValueKind.False => -1,
            JsonValueKind.Number => track!.GetValue<int>(),
            _ => throw ElasticsearchError.Parsing("[track_total_hits] must be a boolean or a number"),
        };
        if (threshold < 0)
        {
            return null;
        }

        return count <= threshold
            ? new JsonObject { ["value"] = count, ["relation"] = "eq" }
            : new JsonObject { ["value"] = threshold, ["relation"] = "gte" };
    }

    private static Func<JsonObject, JsonObject>? SourceFilter(JsonNode? source)
    {
        string[] includes;
        string[] excludes = [];
        switch (source?.GetValueKind())
        {
            case null or JsonValueKind.True:
                return s => (JsonObject)s.DeepClone();
            case JsonValueKind.False:
                return null;
            case JsonValueKind.String:
                includes = [source!.GetValue<string>()];
                break;
            case JsonValueKind.Array:
                includes = [.. source!.AsArray().Select(n => n!.ToString())];
                break;
            case JsonValueKind.Object:
                includes = source!["includes"] is JsonArray i ? [.. i.Select(n => n!.ToString())] : [];
                excludes = source["excludes"] is JsonArray e ? [.. e.Select(n => n!.ToString())] : [];
                break;
            default:
                throw ElasticsearchError.Parsing("[_source] must be a boolean, a string, an array or an object");
        }

        bool Listed(string path, string[] patterns) => patterns.Any(p =>
            Regex.IsMatch(path, "^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "(\\..*)?$", RegexOptions.CultureInvariant));

        return s =>
        {
            var filtered = new JsonObject();
            foreach (var (key, value) in s)
            {
                if ((includes.Length == 0 || Listed(key, includes)) && !Listed(key, excludes))
                {
                    filtered[key] = value?.DeepClone();
                }
            }

            return filtered;
        };
    }

    private static List<SortField> Sorts(JsonNode node, IReadOnlyList<EmulatedIndex> indices)
    {
        var sorts = new List<SortField>();
        List<JsonNode?> items = node is JsonArray array ? [.. array] : [node];
        foreach (var item in items)
        {
            switch (item)
            {
                case JsonValue name:
                    sorts.Add(SortField.For(name.ToString(), null, indices));
                    break;
                case JsonObject { Count: 1 } spec:
                    var (field, options) = spec.First();
                    string? order;
                    if (options is JsonObject o)
                    {
                        foreach (var key in o.Select(p => p.Key))
                        {
                            if (key != "order")
                            {
                                throw key is "missing" or "mode" or "unmapped_type" or "numeric_type" or "format" or "nested"
                                    ? ElasticsearchError.NotEmulated($"the sort option [{key}]")
                                    : ElasticsearchError.Parsing($"[field_sort] unknown field [{key}]");
                            }
                        }

                        order = o["order"]?.ToString();
                    }
                    else
                    {
                        order = options?.ToString();
                    }

                    sorts.Add(SortField.For(field, order, indices));
                    break;
                default:
                    throw ElasticsearchError.Parsing("malformed sort format, within the sort array, an object, or an actual string are allowed");
            }
        }

        return sorts;
    }

    /// <summary>One sort criterion: <c>_score</c> or a sortable (doc-values) field of the mappings.</summary>
    private sealed record SortField(string Name, bool Descending, FieldMapping? Mapping)
    {
        public static readonly SortField Score = new("_score", true, null);

        public bool IsScore => Mapping is null;

        public static SortField For(string name, string? order, IReadOnlyList<EmulatedIndex> indices)
        {
            var descending = order switch
            {
                null => name == "_score",
                "asc" => false,
                "desc" => true,
                _ => throw ElasticsearchError.IllegalArgument($"Unknown SortOrder [{order}]"),
            };
            if (name == "_score")
            {
                return Score with { Descending = descending };
            }

            var mapping = indices.Select(i => i.Definition.Fields.GetValueOrDefault(name)).FirstOrDefault(m => m is not null);
            return mapping?.Type switch
            {
                MappedType.Keyword or MappedType.Long or MappedType.Date => new SortField(name, descending, mapping),
                MappedType.Text => throw ElasticsearchError.IllegalArgument($"Fielddata is disabled on [{name}] in [{indices[0].Name}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead."),
                _ => throw ElasticsearchError.QueryShard($"No mapping found for [{name}] in order to sort on"),
            };
        }

        /// <summary>The hit's sort value: its score, or the field's lowest (ascending) or highest (descending) value.</summary>
        public object? ValueOf(StoredHit hit)
        {
            if (Mapping is null)
            {
                return hit.Score;
            }

            var values = EmulatedIndex.Values(Mapping, hit.Source).ToList();
            if (values.Count == 0)
            {
                return null;
            }

            var ordered = values.Order(ValueComparer.Instance);
            return Descending ? ordered.Last() : ordered.First();
        }

        public object? Parse(JsonNode? value)
        {
            if (value is null)
            {
                return null;
            }

            try
            {
                return Mapping?.Type switch
                {
                    null => float.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
                    MappedType.Long or MappedType.Date => EmulatedIndex.Numeric(Mapping!, value, "_na_"),
                    _ => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
                };
            }
            catch (Exception ex) when (ex is FormatException or ElasticsearchError)
            {
                throw ElasticsearchError.IllegalArgument($"Failed to parse search_after value for field [{Name}].");
            }
        }
    }

    /// <summary>Orders sort keys; a missing value sorts last in either direction (the documented <c>_last</c> default).</summary>
    private sealed class SortKeyComparer(IReadOnlyList<SortField> sorts) : IComparer<object?[]>
    {
        public int Compare(object?[]? x, object?[]? y)
        {
            for (var i = 0; i < sorts.Count; i++)
            {
                var (a, b) = (x![i], y![i]);
                var order = (a, b) switch
                {
                    (null, null) => 0,
                    (null, _) => 1,
                    (_, null) => -1,
                    _ => sorts[i].Descending ? -ValueComparer.Instance.Compare(a, b) : ValueComparer.Instance.Compare(a, b),
                };
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        }
    }

    /// <summary>Numbers by value, keywords by their UTF-8 bytes (Lucene's term order).</summary>
    internal sealed class ValueComparer : IComparer<object>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (float a, float b) => a.CompareTo(b),
            (long a, long b) => a.CompareTo(b),
            (string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)),
            _ => throw new InvalidOperationException($"cannot compare {x} with {y}"),
        };
    }
}
