using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Elasticsearch;

/// <summary>
/// The mention index on an Elasticsearch cluster, over its documented REST API (the official
/// .NET client is not in this project's registry). One index per month (<c>prefix-yyyy.MM</c>,
/// by publish time) joins one alias through an index template, so retention drops whole months;
/// searches and stats go through the alias. Documents mirror the Lucene layout field for field,
/// and the text analyzer mirrors <see cref="MentionTextAnalyzer"/> (CJK bigrams + English
/// stemming), so both engines answer the same queries alike.
/// </summary>
public sealed class ElasticsearchMentionIndex : IMentionIndex, IDisposable
{
    public const string ProviderName = "elasticsearch";
    public const string ProductHeader = "X-Elastic-Product";
    private const int ScanPageSize = 1000;

    /// <summary>The char filter folding Traditional Chinese to Simplified (decision 026) in the template.</summary>
    public const string TraditionalToSimplified = "traditional_to_simplified";

    private static readonly JsonSerializerOptions Json = MentionJson.Options;

    /// <summary><c>華 => 华</c>: the mapping char filter's documented rule syntax, one per folded character.</summary>
    private static readonly string[] ScriptFoldRules = [.. ChineseScript.Pairs.Select(pair => $"{pair.Key} => {pair.Value}")];

    private readonly HttpClient http;
    private readonly bool ownsClient;
    private readonly ElasticsearchIndexOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly MentionQuery queries;
    private readonly SemaphoreSlim setup = new(1, 1);
    private volatile bool ready;

    public ElasticsearchMentionIndex(HttpClient http, ElasticsearchIndexOptions options, TimeProvider? time = null, ILogger<ElasticsearchMentionIndex>? logger = null, bool ownsClient = false)
    {
        this.http = http;
        this.ownsClient = ownsClient;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Analyzer = new MentionTextAnalyzer(global::Lucene.Net.Util.LuceneVersion.LUCENE_48);
        queries = new MentionQuery(global::Lucene.Net.Util.LuceneVersion.LUCENE_48, Analyzer);
        http.BaseAddress ??= options.Url;
        http.Timeout = options.RequestTimeout;
        if (AuthorizationFor(options) is { } authorization)
        {
            http.DefaultRequestHeaders.Authorization = authorization;
        }
    }

    /// <summary>Snippets are cut locally with the Lucene analyzer so both engines highlight alike.</summary>
    internal global::Lucene.Net.Analysis.Analyzer Analyzer { get; }

    /// <summary>An HTTP client for the cluster: pooled connections recycled for DNS changes, the configured CA trusted.</summary>
    public static HttpClient CreateHttpClient(ElasticsearchIndexOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        if (!string.IsNullOrEmpty(options.CertificateAuthorityPath))
        {
            var authority = X509Certificate2.CreateFromPemFile(options.CertificateAuthorityPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                // Trust exactly the configured CA for this cluster, not the machine's whole store.
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return new HttpClient(handler) { BaseAddress = options.Url };
    }

    public static AuthenticationHeaderValue? AuthorizationFor(ElasticsearchIndexOptions options) =>
        !string.IsNullOrEmpty(options.ApiKey) ? new AuthenticationHeaderValue("ApiKey", options.ApiKey)
        : !string.IsNullOrEmpty(options.Username) ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")))
        : null;

    /// <summary>The monthly index a mention lives in, by its publish time (UTC).</summary>
    public string IndexFor(DateTimeOffset publishedAt) =>
        $"{options.IndexPrefix}-{publishedAt.UtcDateTime.ToString("yyyy.MM", CultureInfo.InvariantCulture)}";

    /// <summary>The index template: settings, the mention_text analyzer, mappings and the alias every monthly index joins.</summary>
    public JsonObject Template() => new()
    {
        ["index_patterns"] = new JsonArray(options.IndexPrefix + "-*"),
        ["template"] = new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["analysis"] = new JsonObject
                {
                    ["analyzer"] = new JsonObject
                    {
                        // Traditional folded to Simplified first, then the cjk analyzer's chain (cjk_width,
                        // lowercase, cjk_bigram) plus the english analyzer's (possessive, stop words, Porter
                        // stemming), keeping the unstemmed form at the same position so exact forms rank
                        // first — as MentionTextAnalyzer does.
                        ["mention_text"] = new JsonObject
                        {
                            ["type"] = "custom",
                            ["char_filter"] = new JsonArray(TraditionalToSimplified),
                            ["tokenizer"] = "standard",
                            ["filter"] = new JsonArray("cjk_width", "lowercase", "cjk_bigram", "stop", "english_possessive", "keyword_repeat", "porter_stem", "remove_duplicates"),
                        },
                    },
                    ["char_filter"] = new JsonObject
                    {
                        // The documented mapping char filter (Lucene's MappingCharFilter inside
                        // Elasticsearch) over the same table the Lucene analyzer folds with.
                        [TraditionalToSimplified] = new JsonObject
                        {
                            ["type"] = "mapping",
                            ["mappings"] = new JsonArray([.. ScriptFoldRules.Select(rule => (JsonNode?)rule)]),
                        },
                    },
                    ["filter"] = new JsonObject
                    {
                        ["english_possessive"] = new JsonObject { ["type"] = "stemmer", ["language"] = "possessive_english" },
                    },
                },
            },
            ["mappings"] = new JsonObject
            {
                // Which text analysis a monthly index was created with (GET <prefix>-*/_mapping shows it):
                // an index keeps the analysis it was created with when the template changes.
                ["_meta"] = new JsonObject { ["text_analysis"] = MentionTextAnalyzer.AnalysisVersion },
                ["dynamic"] = "strict",
                ["properties"] = new JsonObject
                {
                    ["id"] = Keyword(),
                    ["source"] = Keyword(),
                    ["author"] = Keyword(),
                    ["topic"] = Keyword(),
                    ["sentiment"] = Keyword(),
                    // Named as in the Lucene index so `watch:brand` in a query means the same in both engines.
                    ["watch"] = Keyword(),
                    ["language"] = Keyword(),
                    ["thread"] = Keyword(),
                    ["published"] = new JsonObject { ["type"] = "date", ["format"] = "epoch_millis" },
                    ["reach"] = new JsonObject { ["type"] = "long" },
                    ["text"] = new JsonObject { ["type"] = "text", ["analyzer"] = "mention_text" },
                    // The whole mention, returned as is and never indexed.
                    ["mention"] = new JsonObject { ["type"] = "object", ["enabled"] = false },
                },
            },
            ["aliases"] = new JsonObject { [options.Alias] = new JsonObject() },
        },
        ["priority"] = 200,
    };

    /// <summary>The document a mention is indexed as; filter fields mirror <see cref="MentionDocument"/>.</summary>
    public static JsonObject Document(Mention mention)
    {
        var document = new JsonObject
        {
            ["id"] = mention.Id,
            ["source"] = mention.Source,
            ["sentiment"] = MentionDocument.SentimentKey(mention),
            ["language"] = mention.Language,
            ["watch"] = new JsonArray([.. mention.Watches.Distinct(StringComparer.Ordinal).Select(w => (JsonNode?)w)]),
            ["published"] = mention.PublishedAt.ToUnixTimeMilliseconds(),
            ["reach"] = MentionDocument.ReachOf(mention),
            ["text"] = mention.Title is { Length: > 0 } title ? title + "\n" + mention.Text : mention.Text,
            ["mention"] = JsonSerializer.SerializeToNode(mention, Json),
        };
        AddIfPresent(document, "author", mention.Author);
        AddIfPresent(document, "topic", mention.Topic?.Topic);
        AddIfPresent(document, "thread", mention.ThreadId);
        return document;
    }

    public async Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(cancellationToken);
        var latest = new Dictionary<string, Mention>(mentions.Count, StringComparer.Ordinal);
        foreach (var mention in mentions)
        {
            latest[mention.Id] = mention;
        }

        var pending = latest.Values.ToList();
        // Ids are unique per index, not per alias: a mention whose publish time moved to another
        // month must not stay behind in the old month's index.
        var staleCopies = await StaleCopiesAsync(pending, cancellationToken);
        var rejected = new List<BulkRejection>();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            var pushedBack = new List<Mention>();
            var body = new StringBuilder();
            foreach (var mention in pending)
            {
                var action = new JsonObject { ["index"] = new JsonObject { ["_index"] = IndexFor(mention.PublishedAt), ["_id"] = mention.Id } };
                body.Append(action.ToJsonString()).Append('\n').Append(Document(mention).ToJsonString(Json)).Append('\n');
            }

            // refresh=wait_for: when this returns the batch is searchable (and, per the default
            // request durability, fsynced in the translog on every shard copy).
            using var response = await SendAsync(HttpMethod.Post, "_bulk?refresh=wait_for", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"), cancellationToken);
            var result = await ReadJsonAsync(response, "bulk index", cancellationToken);
            var items = result["items"]?.AsArray() ?? throw new ElasticsearchException("the _bulk response has no items");
            for (var i = 0; i < items.Count && i < pending.Count; i++)
            {
                var item = items[i]?.AsObject().First().Value;
                var status = item?["status"]?.GetValue<int>() ?? 0;
                if (status is >= 200 and < 300)
                {
                    continue;
                }

                if (status == 429 && attempt < options.MaxBulkRetries)
                {
                    pushedBack.Add(pending[i]);
                }
                else
                {
                    var error = item?["error"];
                    rejected.Add(new BulkRejection(pending[i].Id, status, $"{error?["type"]}: {error?["reason"]}"));
                }
            }

            if (pushedBack.Count > 0)
            {
                var delay = options.BulkRetryDelay * Math.Pow(2, attempt);
                logger.LogWarning("Elasticsearch pushed back {ItemCount} of {BatchCount} bulk items (429); retrying in {Delay}", pushedBack.Count, pending.Count, delay);
                await Task.Delay(delay, time, cancellationToken);
            }

            pending = pushedBack;
        }

        if (rejected.Count > 0)
        {
            throw new MentionIndexRejectedException(rejected);
        }

        // After the new copies are in: a crash in between leaves a duplicate the retry removes, never a gap.
        await DeleteAsync(staleCopies, cancellationToken);
    }

    /// <summary>(index, id) of every stored copy of these mentions that lives in another index than the one they now belong in.</summary>
    private async Task<List<(string Index, string Id)>> StaleCopiesAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        var target = mentions.ToDictionary(m => m.Id, m => IndexFor(m.PublishedAt), StringComparer.Ordinal);
        var body = new JsonObject
        {
            ["query"] = new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray([.. target.Keys.Select(id => (JsonNode?)id)]) } },
            // A copy per month at most, and normally one: room for two per id is plenty.
            ["size"] = Math.Min(10_000, 2 * target.Count),
            ["_source"] = false,
        };
        var result = await SearchRawAsync(body, cancellationToken);
        var stale = new List<(string Index, string Id)>();
        foreach (var hit in result["hits"]?["hits"]?.AsArray() ?? [])
        {
            if (hit?["_id"]?.ToString() is { } id && hit["_index"]?.ToString() is { } index && target.TryGetValue(id, out var wanted) && index != wanted)
            {
                stale.Add((index, id));
            }
        }

        return stale;
    }

    private async Task DeleteAsync(List<(string Index, string Id)> copies, CancellationToken cancellationToken)
    {
        if (copies.Count == 0)
        {
            return;
        }

        var body = new StringBuilder();
        foreach (var (index, id) in copies)
        {
            body.Append(new JsonObject { ["delete"] = new JsonObject { ["_index"] = index, ["_id"] = id } }.ToJsonString()).Append('\n');
        }

        using var response = await SendAsync(HttpMethod.Post, "_bulk?refresh=wait_for", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"), cancellationToken);
        var items = (await ReadJsonAsync(response, "bulk delete", cancellationToken))["items"]?.AsArray() ?? [];
        // 404: already gone (a retried batch); anything else is a failure to report, not to hide.
        var failed = items.Select(item => item?["delete"]).Where(item => item?["status"]?.GetValue<int>() is not (>= 200 and < 300) and not 404).ToList();
        if (failed.Count > 0)
        {
            throw new MentionIndexRejectedException([.. failed.Select(item => new BulkRejection(item?["_id"]?.ToString() ?? "?", item?["status"]?.GetValue<int>() ?? 0, $"delete of a stale copy: {item?["error"]?["type"]}: {item?["error"]?["reason"]}"))]);
        }

        logger.LogInformation("Removed {Count} copies of mentions whose publish month changed", copies.Count);
    }

    public async Task<Mention?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        var body = new JsonObject { ["query"] = new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray(id) } }, ["size"] = 1 };
        var result = await SearchRawAsync(body, cancellationToken);
        return Hits(result).Select(ReadMention).FirstOrDefault();
    }

    /// <summary>The <c>_search</c> body for a search (public so tests can pin it).</summary>
    public JsonObject SearchBody(MentionSearch search)
    {
        var sort = EffectiveSort(search);
        var body = new JsonObject
        {
            ["query"] = Query(search.Filter),
            ["size"] = search.Size,
            ["track_total_hits"] = true,
            ["sort"] = SortFor(sort),
            ["_source"] = new JsonArray("mention"),
        };
        if (search.After is { Length: > 0 } cursor)
        {
            body["search_after"] = ElasticsearchCursor.Decode(sort, cursor);
        }
        else if (search.Offset > 0)
        {
            body["from"] = search.Offset;
        }

        return body;
    }

    public async Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(search.Size);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Offset);
        await EnsureReadyAsync(cancellationToken);
        var sort = EffectiveSort(search);
        var result = await SearchRawAsync(SearchBody(search), cancellationToken);
        var total = result["hits"]?["total"]?["value"]?.GetValue<long>() ?? 0;
        var terms = search.Highlight ? MentionQuery.HighlightTerms(queries.ParseText(search.Filter.Query)) : [];
        var hits = new List<MentionHit>();
        JsonArray? lastSort = null;
        foreach (var hit in Hits(result))
        {
            var mention = ReadMention(hit);
            var score = search.Filter.Query is { Length: > 0 } && hit["_score"] is JsonValue s && s.TryGetValue<double>(out var value) ? (float?)value : null;
            var snippet = search.Highlight ? MentionSnippet.Build(Analyzer, MentionDocument.Text, mention.Text, terms) : null;
            hits.Add(new MentionHit(mention, score, snippet));
            lastSort = hit["sort"]?.AsArray();
        }

        var next = hits.Count == search.Size && lastSort is not null ? ElasticsearchCursor.Encode(sort, lastSort) : null;
        return new MentionSearchResult(total, hits, next);
    }

    /// <summary>The <c>_search</c> body for stats: a date histogram (grouped) and three terms aggregations.</summary>
    public JsonObject StatsBody(MentionStatsRequest request)
    {
        var histogram = new JsonObject
        {
            ["date_histogram"] = new JsonObject
            {
                ["field"] = "published",
                ["calendar_interval"] = request.Interval switch
                {
                    StatsInterval.Hour => "hour",
                    StatsInterval.Day => "day",
                    _ => "week",
                },
                ["time_zone"] = FormatOffset(request.UtcOffset),
                ["min_doc_count"] = 1,
            },
        };
        if (request.GroupBy is { } groupBy)
        {
            histogram["aggs"] = new JsonObject
            {
                ["groups"] = Terms(groupBy switch
                {
                    MentionGroupBy.Sentiment => "sentiment",
                    MentionGroupBy.Topic => "topic",
                    MentionGroupBy.Source => "source",
                    _ => "watch",
                }, 100),
            };
        }

        return new JsonObject
        {
            ["query"] = Query(request.Filter),
            ["size"] = 0,
            ["track_total_hits"] = true,
            ["aggs"] = new JsonObject
            {
                ["histogram"] = histogram,
                ["topics"] = Terms("topic", request.TopN),
                ["sources"] = Terms("source", request.TopN),
                ["authors"] = Terms("author", request.TopN),
            },
        };
    }

    public async Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        var result = await SearchRawAsync(StatsBody(request), cancellationToken);
        var aggregations = result["aggregations"] ?? throw new ElasticsearchException("the stats response has no aggregations");
        var counted = new Dictionary<long, (long Count, Dictionary<string, long>? Groups)>();
        foreach (var bucket in Buckets(aggregations, "date_histogram#histogram"))
        {
            var key = StatsBuckets.Key(bucket["key"]!.GetValue<long>(), request.Interval, request.UtcOffset);
            Dictionary<string, long>? groups = null;
            if (request.GroupBy is not null)
            {
                groups = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var group in Buckets(bucket, "sterms#groups"))
                {
                    groups[group["key"]!.ToString()] = group["doc_count"]!.GetValue<long>();
                }
            }

            counted[key] = (bucket["doc_count"]!.GetValue<long>(), groups);
        }

        return new MentionStats(
            result["hits"]?["total"]?["value"]?.GetValue<long>() ?? 0,
            StatsBuckets.Histogram(counted, request),
            TermCounts(aggregations, "sterms#topics", request.TopN),
            TermCounts(aggregations, "sterms#sources", request.TopN),
            TermCounts(aggregations, "sterms#authors", request.TopN));
    }

    public async IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        JsonArray? after = null;
        while (true)
        {
            var body = new JsonObject
            {
                ["query"] = Query(filter),
                ["size"] = ScanPageSize,
                ["sort"] = SortFor(MentionSort.Oldest),
                ["_source"] = new JsonArray("mention"),
            };
            if (after is not null)
            {
                body["search_after"] = after.DeepClone();
            }

            var result = await SearchRawAsync(body, cancellationToken);
            var hits = Hits(result).ToList();
            foreach (var hit in hits)
            {
                yield return ReadMention(hit);
            }

            if (hits.Count < ScanPageSize)
            {
                yield break;
            }

            after = hits[^1]["sort"]!.AsArray();
        }
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        long dropped = 0;
        bool everything;

        // Whole months before the cutoff go as indices: cheap, and it frees the disk at once.
        using (var aliases = await SendAsync(HttpMethod.Get, $"_alias/{options.Alias}", null, cancellationToken))
        {
            var indices = (await ReadJsonAsync(aliases, "list the alias's indices", cancellationToken)).AsObject().Select(pair => pair.Key).ToList();
            var expired = indices.Where(index => MonthOf(index) is { } month && month.AddMonths(1) <= cutoff.UtcDateTime).ToList();
            everything = expired.Count == indices.Count && expired.Count > 0;
            foreach (var index in indices)
            {
                if (expired.Contains(index))
                {
                    using var count = await SendAsync(HttpMethod.Get, $"{index}/_count", null, cancellationToken);
                    dropped += (await ReadJsonAsync(count, $"count {index}", cancellationToken))["count"]?.GetValue<long>() ?? 0;
                    using var delete = await SendAsync(HttpMethod.Delete, index, null, cancellationToken);
                    await ReadJsonAsync(delete, $"delete index {index}", cancellationToken);
                    logger.LogInformation("Retention dropped the index {IndexName}", index);
                }
            }
        }

        if (everything)
        {
            // The alias lived only on those indices: this month's is created again from the template
            // as this build puts it, so searches and health find the alias, and `reindex --clean`
            // refills indices that analyse text as this build does (an index never changes analysis).
            ready = false;
            await EnsureReadyAsync(cancellationToken);
        }

        var query = new JsonObject { ["query"] = new JsonObject { ["range"] = new JsonObject { ["published"] = new JsonObject { ["lt"] = cutoff.ToUnixTimeMilliseconds() } } } };
        using var response = await SendAsync(HttpMethod.Post, $"{options.Alias}/_delete_by_query?refresh=true&conflicts=proceed", JsonContent(query), cancellationToken);
        dropped += (await ReadJsonAsync(response, "delete by query", cancellationToken))["deleted"]?.GetValue<long>() ?? 0;
        return dropped;
    }

    /// <summary>
    /// Reaches the cluster and puts the template and alias now, so a wrong URL or credentials stop
    /// the service at start with the setting named, not as failed batches later.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureReadyAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ElasticsearchException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                "Index:Elasticsearch:Url", options.Url?.ToString(), $"cannot be used ({ex.Message})",
                "start Elasticsearch there or correct the URL and its credentials (Index:Elasticsearch:Username/Password/ApiKey), or set Index:Provider=lucene for the embedded index",
                ex);
        }
    }

    public async Task<IndexHealth> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureReadyAsync(cancellationToken);
            using var health = await SendAsync(HttpMethod.Get, "_cluster/health", null, cancellationToken);
            var status = (await ReadJsonAsync(health, "cluster health", cancellationToken))["status"]?.ToString();
            using var count = await SendAsync(HttpMethod.Get, $"{options.Alias}/_count", null, cancellationToken);
            var documents = (await ReadJsonAsync(count, "count", cancellationToken))["count"]?.GetValue<long>() ?? 0;
            return new IndexHealth(status is "green" or "yellow", ProviderName, documents, $"{options.Url}: cluster {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or ElasticsearchException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new IndexHealth(false, ProviderName, 0, $"{options.Url}: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Analyzer.Dispose();
        setup.Dispose();
        if (ownsClient)
        {
            http.Dispose();
        }
    }

    /// <summary>Puts the index template and makes sure the alias exists (via this month's index) once per process.</summary>
    private async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (ready)
        {
            return;
        }

        await setup.WaitAsync(cancellationToken);
        try
        {
            if (ready)
            {
                return;
            }

            using (var template = await SendAsync(HttpMethod.Put, $"_index_template/{options.IndexPrefix}", JsonContent(Template()), cancellationToken))
            {
                await ReadJsonAsync(template, "put the index template", cancellationToken);
            }

            using (var created = await SendAsync(HttpMethod.Put, IndexFor(time.GetUtcNow()), JsonContent(new JsonObject()), cancellationToken))
            {
                if (created.StatusCode != HttpStatusCode.BadRequest || !(await created.Content.ReadAsStringAsync(cancellationToken)).Contains("resource_already_exists_exception", StringComparison.Ordinal))
                {
                    await ReadJsonAsync(created, "create this month's index", cancellationToken);
                }
            }

            ready = true;
        }
        finally
        {
            setup.Release();
        }
    }

    private JsonObject Query(MentionFilter filter)
    {
        var filters = new JsonArray();
        if (filter.From is not null || filter.To is not null)
        {
            var range = new JsonObject();
            if (filter.From is { } from)
            {
                range["gte"] = from.ToUnixTimeMilliseconds();
            }

            if (filter.To is { } to)
            {
                range["lt"] = to.ToUnixTimeMilliseconds();
            }

            filters.Add(new JsonObject { ["range"] = new JsonObject { ["published"] = range } });
        }

        AddTerm(filters, "watch", filter.Watch);
        AddTerm(filters, "source", filter.Source);
        AddTerm(filters, "topic", filter.Topic);
        AddTerm(filters, "author", filter.Author);
        AddTerm(filters, "language", filter.Language);
        AddTerm(filters, "sentiment", filter.Sentiment is { } sentiment ? SentimentScore.ToWire(sentiment) : null);
        if (filter.MinReach is { } minReach)
        {
            filters.Add(new JsonObject { ["range"] = new JsonObject { ["reach"] = new JsonObject { ["gte"] = minReach } } });
        }

        if (filter.Unscored == true)
        {
            AddTerm(filters, "sentiment", MentionDocument.Unscored);
        }

        var mustNot = new JsonArray();
        if (filter.Unscored == false)
        {
            AddTerm(mustNot, "sentiment", MentionDocument.Unscored);
        }

        var must = new JsonArray();
        if (filter.Query is { } text && !string.IsNullOrWhiteSpace(text))
        {
            must.Add(new JsonObject
            {
                ["query_string"] = new JsonObject
                {
                    ["query"] = QueryStringPhrases.Quote(queries.SyntaxSafe(text.Trim()), Analyzer, "text"),
                    ["default_field"] = "text",
                    ["default_operator"] = "AND",
                },
            });
        }

        var boolean = new JsonObject();
        if (must.Count > 0)
        {
            boolean["must"] = must;
        }

        if (filters.Count > 0)
        {
            boolean["filter"] = filters;
        }

        if (mustNot.Count > 0)
        {
            boolean["must_not"] = mustNot;
        }

        return boolean.Count == 0 ? new JsonObject { ["match_all"] = new JsonObject() } : new JsonObject { ["bool"] = boolean };
    }

    private static MentionSort EffectiveSort(MentionSearch search) =>
        string.IsNullOrWhiteSpace(search.Filter.Query) && search.Sort == MentionSort.Relevance ? MentionSort.Newest : search.Sort;

    private static JsonArray SortFor(MentionSort sort)
    {
        JsonObject Field(string name, string order) => new() { [name] = new JsonObject { ["order"] = order } };
        return sort switch
        {
            MentionSort.Relevance => new JsonArray(Field("_score", "desc"), Field("published", "desc"), Field("id", "asc")),
            MentionSort.Newest => new JsonArray(Field("published", "desc"), Field("id", "asc")),
            MentionSort.Oldest => new JsonArray(Field("published", "asc"), Field("id", "asc")),
            MentionSort.Reach => new JsonArray(Field("reach", "desc"), Field("published", "desc"), Field("id", "asc")),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "unknown sort order"),
        };
    }

    private async Task<JsonNode> SearchRawAsync(JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{options.Alias}/_search?typed_keys=true", JsonContent(body), cancellationToken);
        return await ReadJsonAsync(response, "search", cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await http.SendAsync(request, cancellationToken);
        if (!response.Headers.TryGetValues(ProductHeader, out var products) || !products.Contains("Elasticsearch"))
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            // What the official clients check too: a proxy's error page or another product must not be parsed as a cluster answer.
            throw new ElasticsearchException($"{options.Url}{path} answered {status} without '{ProductHeader}: Elasticsearch'; is Index:Elasticsearch:Url an Elasticsearch cluster (and are the credentials right)?");
        }

        return response;
    }

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string reason;
            try
            {
                var error = JsonNode.Parse(text)?["error"];
                reason = error is JsonObject e ? $"{e["type"]}: {e["reason"]}" : text;
            }
            catch (JsonException)
            {
                reason = text;
            }

            throw new ElasticsearchException($"Elasticsearch could not {what}: {(int)response.StatusCode} {reason}", response.StatusCode);
        }

        return JsonNode.Parse(text) ?? throw new ElasticsearchException($"Elasticsearch answered {what} with an empty body");
    }

    private static IEnumerable<JsonNode> Hits(JsonNode result) =>
        result["hits"]?["hits"]?.AsArray().OfType<JsonNode>() ?? [];

    private static Mention ReadMention(JsonNode hit) =>
        hit["_source"]?["mention"]?.Deserialize<Mention>(Json) ?? throw new ElasticsearchException($"hit {hit["_id"]} has no stored mention");

    private static IEnumerable<JsonNode> Buckets(JsonNode parent, string typedKey) =>
        parent[typedKey]?["buckets"]?.AsArray().OfType<JsonNode>() ?? [];

    private static List<TermCount> TermCounts(JsonNode aggregations, string typedKey, int topN) =>
        [.. Buckets(aggregations, typedKey)
            .Select(b => new TermCount(b["key"]!.ToString(), b["doc_count"]!.GetValue<long>()))
            .OrderByDescending(t => t.Count)
            .ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(topN)];

    private static JsonObject Terms(string field, int size) => new()
    {
        // Ties broken by key so both engines list equal counts in the same order.
        ["terms"] = new JsonObject
        {
            ["field"] = field,
            ["size"] = size,
            ["order"] = new JsonArray(new JsonObject { ["_count"] = "desc" }, new JsonObject { ["_key"] = "asc" }),
        },
    };

    private static JsonObject Keyword() => new() { ["type"] = "keyword" };

    private static void AddTerm(JsonArray clauses, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            clauses.Add(new JsonObject { ["term"] = new JsonObject { [field] = value } });
        }
    }

    private static void AddIfPresent(JsonObject document, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            document[field] = value;
        }
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(Json), Encoding.UTF8, "application/json");

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private DateTime? MonthOf(string index) =>
        index.StartsWith(options.IndexPrefix + "-", StringComparison.Ordinal)
        && DateTime.TryParseExact(index[(options.IndexPrefix.Length + 1)..], "yyyy.MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
            ? month
            : null;
}

/// <summary>A bulk item the cluster refused (or kept pushing back after every retry).</summary>
public sealed record BulkRejection(string MentionId, int Status, string Reason);

public class ElasticsearchException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>Some mentions of a batch were not indexed; the rest were. Upserting them again is safe.</summary>
public sealed class MentionIndexRejectedException(IReadOnlyList<BulkRejection> rejections)
    : ElasticsearchException($"Elasticsearch rejected {rejections.Count} mention(s): {string.Join("; ", rejections.Take(5).Select(r => $"{r.MentionId} ({r.Status} {r.Reason})"))}")
{
    public IReadOnlyList<BulkRejection> Rejections { get; } = rejections;
}
