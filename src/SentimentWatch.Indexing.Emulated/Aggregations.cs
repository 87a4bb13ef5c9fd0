using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// The <c>terms</c> and <c>date_histogram</c> bucket aggregations (with sub-aggregations) as the
/// aggregation reference documents their requests and responses, including the
/// <c>typed_keys</c> names (<c>sterms#name</c>, <c>lterms#name</c>, <c>date_histogram#name</c>).
/// Counts are exact: every index is one shard, so there is no shard-size approximation.
/// </summary>
internal static class Aggregations
{
    private static readonly HashSet<string> KnownButNotEmulated = new(StringComparer.Ordinal)
    {
        "avg", "sum", "min", "max", "stats", "extended_stats", "value_count", "cardinality", "percentiles", "top_hits", "filter", "filters",
        "histogram", "range", "date_range", "composite", "significant_terms", "rare_terms", "multi_terms", "auto_date_histogram", "missing",
        "nested", "reverse_nested", "global", "sampler", "bucket_sort", "bucket_script", "derivative", "cumulative_sum", "moving_fn",
    };

    public static JsonObject Compute(JsonObject specs, IReadOnlyList<StoredHit> hits, IReadOnlyList<EmulatedIndex> indices, bool typedKeys)
    {
        var result = new JsonObject();
        foreach (var (name, node) in specs)
        {
            var spec = node as JsonObject ?? throw ElasticsearchError.Parsing($"Expected [START_OBJECT] under [{name}], but got a [{SearchRequest.Token(node)}] in [{name}]");
            string? type = null;
            JsonObject? body = null;
            JsonObject? subAggregations = null;
            foreach (var (key, value) in spec)
            {
                if (key is "aggs" or "aggregations")
                {
                    subAggregations = value as JsonObject ?? throw ElasticsearchError.Parsing($"[{key}] under [{name}] must be an object");
                }
                else if (key == "meta")
                {
                    throw ElasticsearchError.NotEmulated("aggregation meta");
                }
                else if (type is null)
                {
                    type = key;
                    body = value as JsonObject ?? throw ElasticsearchError.Parsing($"Expected [START_OBJECT] under [{key}], but got a [{SearchRequest.Token(value)}] in [{name}]");
                }
                else
                {
                    throw ElasticsearchError.Parsing($"Found two aggregation type definitions in [{name}]: [{type}] and [{key}]");
                }
            }

            if (type is null || body is null)
            {
                throw ElasticsearchError.Parsing($"Missing definition for aggregation [{name}]");
            }

            var (typedName, aggregation) = type switch
            {
                "terms" => Terms(name, body, subAggregations, hits, indices, typedKeys),
                "date_histogram" => DateHistogram(body, subAggregations, hits, indices, typedKeys),
                _ when KnownButNotEmulated.Contains(type) => throw ElasticsearchError.NotEmulated($"the [{type}] aggregation"),
                _ => throw ElasticsearchError.Parsing($"Unknown aggregation type [{type}]"),
            };
            result[typedKeys ? $"{typedName}#{name}" : name] = aggregation;
        }

        return result;
    }

    private static void Only(string type, JsonObject body, string[] allowed, string[] notEmulated)
    {
        foreach (var key in body.Select(p => p.Key))
        {
            if (notEmulated.Contains(key))
            {
                throw ElasticsearchError.NotEmulated($"the [{type}] parameter [{key}]");
            }

            if (!allowed.Contains(key))
            {
                throw ElasticsearchError.ContentParse($"[{type}] unknown field [{key}]");
            }
        }
    }

    private static FieldMapping Field(string type, JsonObject body, IReadOnlyList<EmulatedIndex> indices)
    {
        var name = body["field"]?.ToString() ?? throw ElasticsearchError.IllegalArgument($"Required one of fields [field, script], but none were specified.");
        var mapping = indices.Select(i => i.Definition.Fields.GetValueOrDefault(name)).FirstOrDefault(m => m is not null);
        return mapping?.Type switch
        {
            null or MappedType.DisabledObject => throw ElasticsearchError.NotEmulated($"a [{type}] aggregation on the unmapped field [{name}]"),
            MappedType.Text => throw ElasticsearchError.IllegalArgument($"Fielddata is disabled on [{name}] in [{indices[0].Name}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead."),
            _ => mapping!,
        };
    }

    private static (string, JsonObject) Terms(string name, JsonObject body, JsonObject? subAggregations, IReadOnlyList<StoredHit> hits, IReadOnlyList<EmulatedIndex> indices, bool typedKeys)
    {
        Only("terms", body, ["field", "size", "order", "min_doc_count"],
            ["shard_size", "include", "exclude", "missing", "script", "execution_hint", "collect_mode", "show_term_doc_count_error", "value_type", "format", "shard_min_doc_count"]);
        var field = Field("terms", body, indices);
        if (field.Type == MappedType.Date)
        {
            throw ElasticsearchError.NotEmulated("a terms aggregation on a date field");
        }

        var size = body["size"]?.GetValue<int>() ?? 10;
        if (size <= 0)
        {
            throw ElasticsearchError.IllegalArgument($"[size] must be greater than 0. Found [{size}] in [{name}]");
        }

        var minDocCount = body["min_doc_count"]?.GetValue<long>() ?? 1;
        var groups = new Dictionary<object, List<StoredHit>>();
        foreach (var hit in hits)
        {
            foreach (var value in EmulatedIndex.Values(field, hit.Source).Distinct())
            {
                if (!groups.TryGetValue(value, out var members))
                {
                    groups[value] = members = [];
                }

                members.Add(hit);
            }
        }

        var ordered = groups.Where(g => g.Value.Count >= minDocCount).OrderBy(g => g, Order(body["order"])).ToList();
        var buckets = new JsonArray();
        foreach (var (key, members) in ordered.Take(size))
        {
            var bucket = new JsonObject { ["key"] = key is long number ? JsonValue.Create(number) : JsonValue.Create((string)key), ["doc_count"] = members.Count };
            AddSubAggregations(bucket, subAggregations, members, indices, typedKeys);
            buckets.Add(bucket);
        }

        return (field.Type == MappedType.Long ? "lterms" : "sterms", new JsonObject
        {
            ["doc_count_error_upper_bound"] = 0,
            ["sum_other_doc_count"] = ordered.Skip(size).Sum(g => g.Value.Count),
            ["buckets"] = buckets,
        });
    }

    /// <summary>The documented bucket order: <c>_count</c> and/or <c>_key</c>; ties always fall back to the key, ascending.</summary>
    private static Comparer<KeyValuePair<object, List<StoredHit>>> Order(JsonNode? order)
    {
        var criteria = new List<(string By, bool Descending)>();
        List<JsonNode?> items = order switch { null => [], JsonArray array => [.. array], _ => [order] };
        foreach (var item in items)
        {
            if (item is not JsonObject { Count: 1 } criterion)
            {
                throw ElasticsearchError.Parsing("[order] must be an object or an array of objects");
            }

            var (by, direction) = criterion.First();
            if (by is not ("_count" or "_key"))
            {
                throw ElasticsearchError.NotEmulated($"ordering terms buckets by [{by}]");
            }

            criteria.Add((by, direction?.ToString() switch
            {
                "asc" => false,
                "desc" => true,
                var other => throw ElasticsearchError.IllegalArgument($"Unknown order direction [{other}]"),
            }));
        }

        if (criteria.Count == 0)
        {
            criteria.Add(("_count", true));
        }

        if (!criteria.Any(c => c.By == "_key"))
        {
            criteria.Add(("_key", false));
        }

        return Comparer<KeyValuePair<object, List<StoredHit>>>.Create((x, y) =>
        {
            foreach (var (by, descending) in criteria)
            {
                var compared = by == "_count" ? x.Value.Count.CompareTo(y.Value.Count) : SearchRequest.ValueComparer.Instance.Compare(x.Key, y.Key);
                if (compared != 0)
                {
                    return descending ? -compared : compared;
                }
            }

            return 0;
        });
    }

    private static (string, JsonObject) DateHistogram(JsonObject body, JsonObject? subAggregations, IReadOnlyList<StoredHit> hits, IReadOnlyList<EmulatedIndex> indices, bool typedKeys)
    {
        Only("date_histogram", body, ["field", "calendar_interval", "fixed_interval", "time_zone", "min_doc_count"],
            ["format", "offset", "extended_bounds", "hard_bounds", "order", "keyed", "missing", "script"]);
        var field = Field("date_histogram", body, indices);
        if (field.Type != MappedType.Date)
        {
            throw ElasticsearchError.NotEmulated("a date_histogram on a numeric field");
        }

        var interval = Interval.Parse(body["calendar_interval"]?.ToString(), body["fixed_interval"]?.ToString());
        var zone = Zone(body["time_zone"]?.ToString());
        var minDocCount = body["min_doc_count"]?.GetValue<long>() ?? 0;

        var counted = new SortedDictionary<long, List<StoredHit>>();
        foreach (var hit in hits)
        {
            foreach (var millis in EmulatedIndex.Values(field, hit.Source).Cast<long>().Distinct())
            {
                var key = interval.Floor(millis, zone);
                if (!counted.TryGetValue(key, out var members))
                {
                    counted[key] = members = [];
                }

                members.Add(hit);
            }
        }

        if (minDocCount == 0 && counted.Count > 0)
        {
            // min_doc_count 0 (the default) fills the empty buckets between the first and the last.
            for (var key = counted.Keys.First(); key < counted.Keys.Last(); key = interval.Next(key, zone))
            {
                counted.TryAdd(key, []);
            }
        }

        var buckets = new JsonArray();
        foreach (var (key, members) in counted.Where(c => c.Value.Count >= minDocCount))
        {
            var bucket = new JsonObject
            {
                ["key_as_string"] = KeyAsString(key, field, zone),
                ["key"] = key,
                ["doc_count"] = members.Count,
            };
            AddSubAggregations(bucket, subAggregations, members, indices, typedKeys);
            buckets.Add(bucket);
        }

        return ("date_histogram", new JsonObject { ["buckets"] = buckets });
    }

    private static void AddSubAggregations(JsonObject bucket, JsonObject? subAggregations, List<StoredHit> members, IReadOnlyList<EmulatedIndex> indices, bool typedKeys)
    {
        if (subAggregations is null)
        {
            return;
        }

        foreach (var (key, value) in Compute(subAggregations, members, indices, typedKeys))
        {
            bucket[key] = value?.DeepClone();
        }
    }

    /// <summary>Bucket keys print in the field's date format (the mention index maps <c>epoch_millis</c>), in the aggregation's time zone.</summary>
    private static string KeyAsString(long key, FieldMapping field, TimeZoneInfo zone)
    {
        if (field.EpochMillisFormat)
        {
            return key.ToString(CultureInfo.InvariantCulture);
        }

        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(key), zone);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)
            + (local.Offset == TimeSpan.Zero ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture));
    }

    private static TimeZoneInfo Zone(string? id)
    {
        if (id is null or "UTC" or "Z" or "+00:00")
        {
            return TimeZoneInfo.Utc;
        }

        if (Regex.Match(id, "^([+-])(\\d{2}):(\\d{2})$") is { Success: true } offset)
        {
            var span = new TimeSpan(int.Parse(offset.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(offset.Groups[3].Value, CultureInfo.InvariantCulture), 0);
            return TimeZoneInfo.CreateCustomTimeZone(id, offset.Groups[1].Value == "-" ? -span : span, id, id);
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            throw ElasticsearchError.IllegalArgument($"Unknown time-zone ID: {id}");
        }
    }

    /// <summary>A calendar interval (local-time units, weeks from Monday) or a fixed one (a multiple of a duration).</summary>
    private sealed record Interval(string? Calendar, long FixedMillis)
    {
        public static Interval Parse(string? calendar, string? fixedInterval)
        {
            if (calendar is not null && fixedInterval is not null)
            {
                throw ElasticsearchError.IllegalArgument("Cannot use [fixed_interval] with [calendar_interval] configuration option.");
            }

            if (calendar is not null)
            {
                return new Interval(calendar switch
                {
                    "minute" or "1m" => "minute",
                    "hour" or "1h" => "hour",
                    "day" or "1d" => "day",
                    "week" or "1w" => "week",
                    "month" or "1M" => "month",
                    "quarter" or "1q" => "quarter",
                    "year" or "1y" => "year",
                    _ => throw ElasticsearchError.IllegalArgument($"The supplied interval [{calendar}] could not be parsed as a calendar interval."),
                }, 0);
            }

            if (fixedInterval is not null && Regex.Match(fixedInterval, "^(\\d+)(ms|s|m|h|d)$") is { Success: true } match)
            {
                var unit = match.Groups[2].Value switch { "ms" => 1L, "s" => 1_000L, "m" => 60_000L, "h" => 3_600_000L, _ => 86_400_000L };
                return new Interval(null, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * unit);
            }

            throw fixedInterval is null
                ? ElasticsearchError.IllegalArgument("Invalid interval specified, must be non-null and non-empty")
                : ElasticsearchError.IllegalArgument($"failed to parse setting [date_histogram.fixedInterval] with value [{fixedInterval}] as a time value: unit is missing or unrecognized");
        }

        /// <summary>
        /// The bucket key: the UTC milliseconds of the bucket's local start, as the Elasticsearch reference's date histogram
        /// page documents under "Time zone" (https://www.elastic.co/docs/reference/aggregations/search-aggregations-bucket-datehistogram-aggregation#datehistogram-aggregation-time-zone):
        /// the value is rounded in local time and the local start turned back into UTC, so with an IANA zone a day that
        /// loses or gains an hour to daylight saving is one 23- or 25-hour bucket. A local start the clocks repeat is the
        /// earlier instant for days and longer (the whole local day); for minutes and hours the one at or before the value,
        /// so the repeated hour is two buckets rather than one bucket that starts after some of its members.
        /// </summary>
        public long Floor(long millis, TimeZoneInfo zone)
        {
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(millis), zone).DateTime;
            if (Calendar is null)
            {
                var localMillis = new DateTimeOffset(local, TimeSpan.Zero).ToUnixTimeMilliseconds();
                return ToUtc(DateTimeOffset.FromUnixTimeMilliseconds(localMillis - (((localMillis % FixedMillis) + FixedMillis) % FixedMillis)).DateTime, zone);
            }

            if (Calendar is "minute" or "hour")
            {
                var within = new DateTime(local.Year, local.Month, local.Day, local.Hour, Calendar == "minute" ? local.Minute : 0, 0);
                return ToUtc(within, zone, notAfter: millis);
            }

            var start = Calendar switch
            {
                "day" => local.Date,
                "week" => local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
                "month" => new DateTime(local.Year, local.Month, 1),
                "quarter" => new DateTime(local.Year, (((local.Month - 1) / 3) * 3) + 1, 1),
                _ => new DateTime(local.Year, 1, 1),
            };
            return ToUtc(start, zone);
        }

        public long Next(long key, TimeZoneInfo zone)
        {
            if (Calendar is null)
            {
                return key + FixedMillis;
            }

            if (Calendar is "minute" or "hour")
            {
                // Stepping on the instant line keeps both halves of a repeated hour (stepping local time would skip one).
                return Floor(key + (Calendar == "minute" ? 60_000 : 3_600_000), zone);
            }

            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(key), zone).DateTime;
            return ToUtc(Calendar switch
            {
                "day" => local.AddDays(1),
                "week" => local.AddDays(7),
                "month" => local.AddMonths(1),
                "quarter" => local.AddMonths(3),
                _ => local.AddYears(1),
            }, zone);
        }

        /// <summary>A local time as UTC milliseconds; one the clocks skip maps (through the offset before the change) to the change itself, the first instant that exists.</summary>
        private static long ToUtc(DateTime local, TimeZoneInfo zone, long? notAfter = null)
        {
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            if (!zone.IsAmbiguousTime(local))
            {
                return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
            }

            var instants = zone.GetAmbiguousTimeOffsets(local).Select(offset => new DateTimeOffset(local, offset).ToUnixTimeMilliseconds()).Order().ToList();
            var atOrBefore = instants.Where(instant => instant <= notAfter).ToList();
            return notAfter is not null && atOrBefore.Count > 0 ? atOrBefore[^1] : instants[0];
        }
    }
}
