using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.Cluster;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Lucene;
using EsQuery = Elastic.Clients.Elasticsearch.QueryDsl.Query;

namespace SentimentWatch.Indexing.Elasticsearch;

/// <summary>
/// The mention index on an Elasticsearch 9 cluster, through the official client
/// (<see cref="ElasticsearchClient"/>, typed requests; decision 130). One index per month
/// (<c>prefix-yyyy.MM</c>, by publish time) joins one alias through an index template, so
/// retention drops whole months; searches and stats go through the alias. Documents mirror the
/// Lucene layout field for field, and the text analyzer mirrors <see cref="MentionTextAnalyzer"/>
/// (Traditional→Simplified fold, CJK bigrams, English stemming), so both engines answer the same
/// queries alike. Node pools, retries, authentication and TLS pinning are the client's.
/// </summary>
public sealed class ElasticsearchMentionIndex : IMentionIndex, IDisposable
{
    public const string ProviderName = "elasticsearch";
    public const string ProductHeader = "X-Elastic-Product";
    private const int ScanPageSize = 1000;

    /// <summary>The char filter folding Traditional Chinese to Simplified (decision 026) in the template.</summary>
    public const string TraditionalToSimplified = "traditional_to_simplified";

    /// <summary>The custom analyzer of the <c>text</c> field.</summary>
    public const string TextAnalyzer = "mention_text";

    private static readonly JsonSerializerOptions Json = MentionJson.Options;

    /// <summary><c>華 => 华</c>: the mapping char filter's documented rule syntax, one per folded character.</summary>
    private static readonly string[] ScriptFoldRules = [.. ChineseScript.Pairs.Select(pair => $"{pair.Key} => {pair.Value}")];

    private readonly ElasticsearchClient client;
    private readonly ElasticsearchIndexOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly MentionQuery queries;
    private readonly SemaphoreSlim setup = new(1, 1);
    private volatile bool ready;

    public ElasticsearchMentionIndex(ElasticsearchClient client, ElasticsearchIndexOptions options, TimeProvider? time = null, ILogger<ElasticsearchMentionIndex>? logger = null)
    {
        this.client = client;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Analyzer = new MentionTextAnalyzer(global::Lucene.Net.Util.LuceneVersion.LUCENE_48);
        queries = new MentionQuery(global::Lucene.Net.Util.LuceneVersion.LUCENE_48, Analyzer);
    }

    /// <summary>An index over a client built from <paramref name="options"/> (<see cref="CreateClient"/>).</summary>
    public ElasticsearchMentionIndex(ElasticsearchIndexOptions options, TimeProvider? time = null, ILogger<ElasticsearchMentionIndex>? logger = null)
        : this(CreateClient(options), options, time, logger)
    {
    }

    /// <summary>Snippets are cut locally with the Lucene analyzer so both engines highlight alike.</summary>
    internal global::Lucene.Net.Analysis.Analyzer Analyzer { get; }

    /// <summary>
    /// The official client for <c>Index:Elasticsearch</c>: a single node, a static pool of nodes
    /// (round-robin with fail-over) or an Elastic Cloud deployment; API key or basic auth; the
    /// cluster's CA pinned by fingerprint or PEM file; the request timeout and retries.
    /// </summary>
    public static ElasticsearchClient CreateClient(ElasticsearchIndexOptions options)
    {
        var credentials = Credentials(options);
        var nodes = options.NodeUris();
        NodePool pool = !string.IsNullOrWhiteSpace(options.CloudId)
            ? new CloudNodePool(options.CloudId, credentials ?? throw new ArgumentException("an Elastic Cloud ID needs an API key or basic auth", nameof(options)))
            : nodes.Count switch
            {
                0 => throw new ArgumentException("Index:Elasticsearch has neither Url, Nodes nor CloudId", nameof(options)),
                1 => new SingleNodePool(nodes[0]),
                _ => new StaticNodePool(nodes, randomize: false),
            };
        // The client's own product check (X-Elastic-Product: Elasticsearch on the first successful
        // answer) stays on: a proxy's page or another product is never parsed as a cluster's answer.
        var settings = new ElasticsearchClientSettings(pool).RequestTimeout(options.RequestTimeout);
        if (credentials is not null && pool is not CloudNodePool)
        {
            settings = settings.Authentication(credentials);
        }

        if (options.MaxRetries is { } retries)
        {
            settings = settings.MaximumRetries(retries);
        }

        if (!string.IsNullOrEmpty(options.CertificateFingerprint))
        {
            settings = settings.CertificateFingerprint(options.CertificateFingerprint);
        }
        else if (!string.IsNullOrEmpty(options.CertificateAuthorityPath))
        {
            // Trust exactly the configured CA for this cluster, not the machine's whole store.
            var authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.CertificateAuthorityPath));
            settings = settings.ServerCertificateValidationCallback(CertificateValidations.AuthorityIsRoot(authority));
        }

        return new ElasticsearchClient(settings);
    }

    /// <summary>The configured credentials: the API key, else basic auth, else none.</summary>
    public static AuthorizationHeader? Credentials(ElasticsearchIndexOptions options) =>
        !string.IsNullOrEmpty(options.ApiKey) ? new ApiKey(options.ApiKey)
        : !string.IsNullOrEmpty(options.Username) ? new BasicAuthentication(options.Username, options.Password ?? string.Empty)
        : null;

    /// <summary>The monthly index a mention lives in, by its publish time (UTC).</summary>
    public string IndexFor(DateTimeOffset publishedAt) =>
        $"{options.IndexPrefix}-{publishedAt.UtcDateTime.ToString("yyyy.MM", CultureInfo.InvariantCulture)}";

    /// <summary>The index template: settings, the mention_text analyzer, mappings and the alias every monthly index joins.</summary>
    public PutIndexTemplateRequest TemplateRequest() => new(options.IndexPrefix)
    {
        IndexPatterns = Indices.Parse(options.IndexPrefix + "-*"),
        Priority = 200,
        Template = new IndexTemplateMapping
        {
            Settings = new IndexSettings
            {
                Analysis = new IndexSettingsAnalysis
                {
                    Analyzers = new Analyzers
                    {
                        // Traditional folded to Simplified first, then the cjk analyzer's chain (cjk_width,
                        // lowercase, cjk_bigram) plus the english analyzer's (possessive, stop words, Porter
                        // stemming), keeping the unstemmed form at the same position so exact forms rank
                        // first — as MentionTextAnalyzer does.
                        {
                            TextAnalyzer,
                            new CustomAnalyzer
                            {
                                CharFilter = [TraditionalToSimplified],
                                Tokenizer = "standard",
                                Filter = ["cjk_width", "lowercase", "cjk_bigram", "stop", "english_possessive", "keyword_repeat", "porter_stem", "remove_duplicates"],
                            }
                        },
                    },
                    // The documented mapping char filter (Lucene's MappingCharFilter inside
                    // Elasticsearch) over the same table the Lucene analyzer folds with.
                    CharFilters = new CharFilters { { TraditionalToSimplified, new MappingCharFilter { Mappings = ScriptFoldRules } } },
                    TokenFilters = new TokenFilters { { "english_possessive", new StemmerTokenFilter { Language = "possessive_english" } } },
                },
            },
            Mappings = new TypeMapping
            {
                // Which text analysis a monthly index was created with (GET <prefix>-*/_mapping shows it):
                // an index keeps the analysis it was created with when the template changes.
                Meta = new Dictionary<string, object> { ["text_analysis"] = MentionTextAnalyzer.AnalysisVersion },
                Dynamic = DynamicMapping.Strict,
                Properties = new Properties
                {
                    { "id", new KeywordProperty() },
                    { "source", new KeywordProperty() },
                    { "author", new KeywordProperty() },
                    { "topic", new KeywordProperty() },
                    { "sentiment", new KeywordProperty() },
                    // Named as in the Lucene index so `watch:brand` in a query means the same in both engines.
                    { "watch", new KeywordProperty() },
                    { "language", new KeywordProperty() },
                    { "thread", new KeywordProperty() },
                    { "published", new DateProperty { Format = "epoch_millis" } },
                    { "reach", new LongNumberProperty() },
                    { "text", new TextProperty { Analyzer = TextAnalyzer } },
                    // The whole mention, returned as is and never indexed.
                    { "mention", new ObjectProperty { Enabled = false } },
                },
            },
            Aliases = new Dictionary<IndexName, Alias> { [options.Alias] = new Alias() },
        },
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
        AddIfPresent(document, "topic", MentionDocument.TopicKey(mention));
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
            var operations = new BulkOperationsCollection();
            foreach (var mention in pending)
            {
                operations.Add(new BulkIndexOperation<JsonObject>(Document(mention), IndexFor(mention.PublishedAt)) { Id = mention.Id });
            }

            // refresh=wait_for: when this returns the batch is searchable (and, per the default
            // request durability, fsynced in the translog on every shard copy).
            var items = await SendBulkAsync(new BulkRequest { Operations = operations, Refresh = Refresh.WaitFor }, "bulk index", cancellationToken);
            for (var i = 0; i < items.Count && i < pending.Count; i++)
            {
                var item = items[i];
                if (item.Status is >= 200 and < 300)
                {
                    continue;
                }

                if (item.Status == 429 && attempt < options.MaxBulkRetries)
                {
                    pushedBack.Add(pending[i]);
                }
                else
                {
                    rejected.Add(new BulkRejection(pending[i].Id, item.Status, $"{item.Error?.Type}: {item.Error?.Reason}"));
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
        var request = new SearchRequest(options.Alias)
        {
            Query = new EsQuery { Ids = new IdsQuery { Values = new Ids(target.Keys) } },
            // A copy per month at most, and normally one: room for two per id is plenty.
            Size = Math.Min(10_000, 2 * target.Count),
            Source = new SourceConfig(false),
        };
        var result = await SearchAsync(request, cancellationToken);
        var stale = new List<(string Index, string Id)>();
        foreach (var hit in result.Hits)
        {
            if (hit.Id is { } id && target.TryGetValue(id, out var wanted) && hit.Index != wanted)
            {
                stale.Add((hit.Index, id));
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

        var operations = new BulkOperationsCollection();
        foreach (var (index, id) in copies)
        {
            operations.Add(new BulkDeleteOperation(id) { Index = index });
        }

        var items = await SendBulkAsync(new BulkRequest { Operations = operations, Refresh = Refresh.WaitFor }, "bulk delete", cancellationToken);
        // 404: already gone (a retried batch); anything else is a failure to report, not to hide.
        var failed = items.Where(item => item.Status is not (>= 200 and < 300) and not 404).ToList();
        if (failed.Count > 0)
        {
            throw new MentionIndexRejectedException([.. failed.Select(item => new BulkRejection(item.Id ?? "?", item.Status, $"delete of a stale copy: {item.Error?.Type}: {item.Error?.Reason}"))]);
        }

        logger.LogInformation("Removed {Count} copies of mentions whose publish month changed", copies.Count);
    }

    public async Task<Mention?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        var request = new SearchRequest(options.Alias) { Query = new EsQuery { Ids = new IdsQuery { Values = new Ids([id]) } }, Size = 1 };
        var result = await SearchAsync(request, cancellationToken);
        return result.Hits.Select(ReadMention).FirstOrDefault();
    }

    /// <summary>The <c>_search</c> request for a search (public so tests can pin it).</summary>
    public SearchRequest SearchRequestFor(MentionSearch search)
    {
        var sort = EffectiveSort(search);
        var request = new SearchRequest(options.Alias)
        {
            Query = Query(search.Filter),
            Size = search.Size,
            // Without it a node counts only up to 10,000 and the total would be a lower bound.
            TrackTotalHits = new TrackHits(true),
            Sort = SortFor(sort),
            Source = MentionOnly(),
        };
        if (search.After is { Length: > 0 } cursor)
        {
            request.SearchAfter = ElasticsearchCursor.Decode(sort, cursor);
        }
        else if (search.Offset > 0)
        {
            request.From = search.Offset;
        }

        return request;
    }

    public async Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(search.Size);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Offset);
        await EnsureReadyAsync(cancellationToken);
        var sort = EffectiveSort(search);
        var result = await SearchAsync(SearchRequestFor(search), cancellationToken);
        var terms = search.Highlight ? MentionQuery.HighlightTerms(queries.ParseText(search.Filter.Query)) : [];
        var hits = new List<MentionHit>();
        IReadOnlyCollection<FieldValue>? lastSort = null;
        foreach (var hit in result.Hits)
        {
            var mention = ReadMention(hit);
            var score = search.Filter.Query is { Length: > 0 } && hit.Score is { } value ? (float?)value : null;
            var snippet = search.Highlight ? MentionSnippet.Build(Analyzer, MentionDocument.Text, mention.Text, terms) : null;
            hits.Add(new MentionHit(mention, score, snippet));
            lastSort = hit.Sort;
        }

        var next = hits.Count == search.Size && lastSort is not null ? ElasticsearchCursor.Encode(sort, lastSort) : null;
        return new MentionSearchResult(TotalOf(result), hits, next);
    }

    /// <summary>The <c>_search</c> request for stats: a date histogram (grouped) and three terms aggregations.</summary>
    public SearchRequest StatsRequestFor(MentionStatsRequest request)
    {
        var histogram = new Aggregation
        {
            DateHistogram = new DateHistogramAggregation
            {
                Field = "published",
                CalendarInterval = request.Interval switch
                {
                    StatsInterval.Hour => CalendarInterval.Hour,
                    StatsInterval.Day => CalendarInterval.Day,
                    _ => CalendarInterval.Week,
                },
                TimeZone = request.TimeZone is { } zone ? IanaId(zone) : FormatOffset(request.UtcOffset),
                MinDocCount = 1,
            },
        };
        if (request.GroupBy is { } groupBy)
        {
            histogram.Aggregations = new Dictionary<string, Aggregation>
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

        return new SearchRequest(options.Alias)
        {
            Query = Query(request.Filter),
            Size = 0,
            TrackTotalHits = new TrackHits(true),
            Aggregations = new Dictionary<string, Aggregation>
            {
                ["histogram"] = histogram,
                ["topics"] = Terms("topic", request.TopN),
                ["sources"] = Terms("source", request.TopN),
                ["authors"] = Terms("author", request.TopN),
            },
        };
    }

    /// <summary>Elasticsearch takes IANA zone ids only; a zone .NET found by its Windows id is sent by its IANA one.</summary>
    private static string IanaId(TimeZoneInfo zone) =>
        !zone.HasIanaId && TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id;

    /// <summary>The cluster refused the aggregations for making more buckets than its <c>search.max_buckets</c>.</summary>
    private static bool TooManyBuckets(SearchResponse<JsonObject> response) =>
        !response.IsValidResponse && response.ElasticsearchServerError?.Error is { } error
        && (error.Type == "too_many_buckets_exception" || error.RootCause?.Any(c => c.Type == "too_many_buckets_exception") == true
            || error.CausedBy?.Type == "too_many_buckets_exception");

    public async Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        var result = await SendAsync(() => client.SearchAsync<JsonObject>(StatsRequestFor(request), cancellationToken), "search", tolerated: TooManyBuckets);
        if (TooManyBuckets(result))
        {
            // The cluster's search.max_buckets counts every histogram bucket and every group in it: an hourly view of years by
            // topic passes it where Lucene answers. Said as what to change (a 400), not a 500 (decision 254).
            throw new TooManyStatsBucketsException(request.Interval, result.ElasticsearchServerError?.Error?.RootCause?.FirstOrDefault()?.Reason ?? "search.max_buckets");
        }

        var aggregations = result.Aggregations ?? throw new ElasticsearchException("the stats response has no aggregations");
        var counted = new Dictionary<long, (long Count, Dictionary<string, long>? Groups)>();
        var zone = StatsBuckets.Zone(request);
        foreach (var bucket in aggregations.GetDateHistogram("histogram")?.Buckets ?? [])
        {
            // A key is the UTC instant the local bucket starts; the same arithmetic as Lucene's numbers it. In a zone it is read
            // half a bucket in: where the cluster's zone rules differ from this host's (a zone that changed its rules, older
            // tzdata on one side), its local midnight is an hour off ours, and the start itself would be numbered the day before.
            var key = zone is not null
                ? zone.Key(bucket.Key.ToUnixTimeMilliseconds() + (StatsBuckets.Width(request.Interval) / 2))
                : StatsBuckets.Key(bucket.Key.ToUnixTimeMilliseconds(), request.Interval, request.UtcOffset);
            Dictionary<string, long>? groups = null;
            if (request.GroupBy is not null)
            {
                groups = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var group in bucket.Aggregations?.GetStringTerms("groups")?.Buckets ?? [])
                {
                    groups[KeyOf(group)] = group.DocCount;
                }
            }

            // Two of the cluster's buckets can still fall on one of ours (a half-hour clock change, as at Lord Howe, makes an
            // hour bucket of 30 minutes): their counts add up, none is dropped.
            if (counted.TryGetValue(key, out var earlier))
            {
                if (earlier.Groups is not null && groups is not null)
                {
                    foreach (var (name, count) in earlier.Groups)
                    {
                        groups[name] = groups.GetValueOrDefault(name) + count;
                    }
                }

                counted[key] = (earlier.Count + bucket.DocCount, groups ?? earlier.Groups);
            }
            else
            {
                counted[key] = (bucket.DocCount, groups);
            }
        }

        return new MentionStats(
            TotalOf(result),
            StatsBuckets.Histogram(counted, request, zone),
            TermCounts(aggregations, "topics", request.TopN),
            TermCounts(aggregations, "sources", request.TopN),
            TermCounts(aggregations, "authors", request.TopN));
    }

    public async IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        IReadOnlyCollection<FieldValue>? after = null;
        while (true)
        {
            var request = new SearchRequest(options.Alias)
            {
                Query = Query(filter),
                Size = ScanPageSize,
                Sort = SortFor(MentionSort.Oldest),
                Source = MentionOnly(),
            };
            if (after is not null)
            {
                request.SearchAfter = [.. after];
            }

            var result = await SearchAsync(request, cancellationToken);
            var hits = result.Hits.ToList();
            foreach (var hit in hits)
            {
                yield return ReadMention(hit);
            }

            if (hits.Count < ScanPageSize)
            {
                yield break;
            }

            after = hits[^1].Sort ?? throw new ElasticsearchException("a sorted search answered a hit without sort values");
        }
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        long dropped = 0;

        // Whole months before the cutoff go as indices: cheap, and it frees the disk at once.
        var aliases = await SendAsync(() => client.Indices.GetAliasAsync(new GetAliasRequest((Names)options.Alias), cancellationToken), "list the alias's indices");
        var indices = aliases.Aliases?.Keys.ToList() ?? [];
        var expired = indices.Where(index => MonthOf(index) is { } month && month.AddMonths(1) <= cutoff.UtcDateTime).ToList();
        var everything = expired.Count == indices.Count && expired.Count > 0;
        foreach (var index in expired)
        {
            dropped += (await SendAsync(() => client.CountAsync(new CountRequest(index), cancellationToken), $"count {index}")).Count;
            await SendAsync(() => client.Indices.DeleteAsync(new DeleteIndexRequest(index), cancellationToken), $"delete index {index}");
            logger.LogInformation("Retention dropped the index {IndexName}", index);
        }

        if (everything)
        {
            // The alias lived only on those indices: this month's is created again from the template
            // as this build puts it, so searches and health find the alias, and `reindex --clean`
            // refills indices that analyse text as this build does (an index never changes analysis).
            ready = false;
            await EnsureReadyAsync(cancellationToken);
        }

        var byQuery = new DeleteByQueryRequest(options.Alias)
        {
            Query = new EsQuery { Range = new NumberRangeQuery("published") { Lt = cutoff.ToUnixTimeMilliseconds() } },
            Refresh = true,
            Conflicts = Conflicts.Proceed,
        };
        dropped += (await SendAsync(() => client.DeleteByQueryAsync(byQuery, cancellationToken), "delete by query")).Deleted ?? 0;
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
        catch (Exception ex) when (ex is HttpRequestException or ElasticsearchException or TransportException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Name the setting the operator actually used to point at the cluster.
            var (key, value) = options.Url is not null ? ("Index:Elasticsearch:Url", options.Url.ToString())
                : options.Nodes.Count > 0 ? ("Index:Elasticsearch:Nodes", string.Join(", ", options.Nodes))
                : ("Index:Elasticsearch:CloudId", options.Describe());
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                key, value, $"cannot be used ({ex.Message})",
                "start Elasticsearch there or correct the URL and its credentials (Index:Elasticsearch:Username/Password/ApiKey), or set Index:Provider=lucene for the embedded index",
                ex);
        }
    }

    public async Task<IndexHealth> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureReadyAsync(cancellationToken);
            var health = await SendAsync(() => client.Cluster.HealthAsync(new HealthRequest(), cancellationToken), "report cluster health");
            var status = health.Status.ToString().ToLowerInvariant();
            var documents = (await SendAsync(() => client.CountAsync(new CountRequest(options.Alias), cancellationToken), "count")).Count;
            return new IndexHealth(health.Status is HealthStatus.Green or HealthStatus.Yellow, ProviderName, documents, $"{options.Describe()}: cluster {status}");
        }
        catch (Exception ex) when (ex is ElasticsearchException or TransportException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new IndexHealth(false, ProviderName, 0, $"{options.Describe()}: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Analyzer.Dispose();
        setup.Dispose();
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

            await SendAsync(() => client.Indices.PutIndexTemplateAsync(TemplateRequest(), cancellationToken), "put the index template");
            // Another process (or an earlier start this month) created it first: that is the goal.
            await SendAsync(
                () => client.Indices.CreateAsync(new CreateIndexRequest(IndexFor(time.GetUtcNow())), cancellationToken),
                "create this month's index",
                tolerated: created => created.ElasticsearchServerError?.Error?.Type == "resource_already_exists_exception");

            ready = true;
        }
        finally
        {
            setup.Release();
        }
    }

    private EsQuery Query(MentionFilter filter)
    {
        var filters = new List<EsQuery>();
        if (filter.From is not null || filter.To is not null)
        {
            var range = new NumberRangeQuery("published");
            if (filter.From is { } from)
            {
                range.Gte = from.ToUnixTimeMilliseconds();
            }

            if (filter.To is { } to)
            {
                range.Lt = to.ToUnixTimeMilliseconds();
            }

            filters.Add(new EsQuery { Range = range });
        }

        AddTerm(filters, "watch", filter.Watch);
        AddTerm(filters, "source", filter.Source);
        AddTerm(filters, "topic", filter.Topic);
        AddTerm(filters, "author", filter.Author);
        AddTerm(filters, "language", filter.Language);
        AddTerm(filters, "sentiment", filter.Sentiment is { } sentiment ? SentimentScore.ToWire(sentiment) : null);
        if (filter.MinReach is { } minReach)
        {
            filters.Add(new EsQuery { Range = new NumberRangeQuery("reach") { Gte = minReach } });
        }

        if (filter.Unscored == true)
        {
            AddTerm(filters, "sentiment", MentionDocument.Unscored);
        }

        var mustNot = new List<EsQuery>();
        if (filter.Unscored == false)
        {
            AddTerm(mustNot, "sentiment", MentionDocument.Unscored);
        }

        var must = new List<EsQuery>();
        if (filter.Query is { } text && !string.IsNullOrWhiteSpace(text))
        {
            must.Add(new EsQuery { QueryString = TextQuery(text) });
        }

        if (must.Count == 0 && filters.Count == 0 && mustNot.Count == 0)
        {
            return new EsQuery { MatchAll = new MatchAllQuery() };
        }

        return new EsQuery
        {
            Bool = new BoolQuery
            {
                Must = must.Count > 0 ? must : null,
                Filter = filters.Count > 0 ? filters : null,
                MustNot = mustNot.Count > 0 ? mustNot : null,
            },
        };
    }

    /// <summary>Lucene query syntax on the text field, AND between words, Chinese runs quoted as phrases (decision 032).</summary>
    private QueryStringQuery TextQuery(string text) =>
        new(QueryStringPhrases.Quote(queries.SyntaxSafe(text.Trim()), Analyzer, "text"))
        {
            DefaultField = "text",
            DefaultOperator = Operator.And,
        };

    private static MentionSort EffectiveSort(MentionSearch search) =>
        string.IsNullOrWhiteSpace(search.Filter.Query) && search.Sort == MentionSort.Relevance ? MentionSort.Newest : search.Sort;

    private static List<SortOptions> SortFor(MentionSort sort)
    {
        static SortOptions Field(string name, SortOrder order) => new() { Field = new FieldSort(name) { Order = order } };
        var score = new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } };
        return sort switch
        {
            MentionSort.Relevance => [score, Field("published", SortOrder.Desc), Field("id", SortOrder.Asc)],
            MentionSort.Newest => [Field("published", SortOrder.Desc), Field("id", SortOrder.Asc)],
            MentionSort.Oldest => [Field("published", SortOrder.Asc), Field("id", SortOrder.Asc)],
            MentionSort.Reach => [Field("reach", SortOrder.Desc), Field("published", SortOrder.Desc), Field("id", SortOrder.Asc)],
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "unknown sort order"),
        };
    }

    private static SourceConfig MentionOnly() => new(new SourceFilter { Includes = Fields.FromString("mention") });

    private Task<SearchResponse<JsonObject>> SearchAsync(SearchRequest request, CancellationToken cancellationToken) =>
        SendAsync(() => client.SearchAsync<JsonObject>(request, cancellationToken), "search");

    /// <summary>Sends a typed request and returns its answer if it succeeded (or is <paramref name="tolerated"/>).</summary>
    private async Task<T> SendAsync<T>(Func<Task<T>> call, string what, Func<T, bool>? tolerated = null) where T : ElasticsearchResponse
    {
        T response;
        try
        {
            response = await call();
        }
        catch (UnsupportedProductException ex)
        {
            throw NotElasticsearch(what, ex);
        }

        return tolerated?.Invoke(response) == true ? response : Ensure(response, what);
    }

    /// <summary>Sends a bulk request and returns its items; the request itself must have succeeded (items may still have failed).</summary>
    private async Task<List<ResponseItem>> SendBulkAsync(BulkRequest request, string what, CancellationToken cancellationToken)
    {
        BulkResponse response;
        try
        {
            response = await client.BulkAsync(request, cancellationToken);
        }
        catch (UnsupportedProductException ex)
        {
            throw NotElasticsearch(what, ex);
        }

        // Not IsValidResponse: the client counts a bulk with any failed item ("errors": true) as invalid.
        if (response.ApiCallDetails.HttpStatusCode is >= 200 and < 300 && response.Items is { } items)
        {
            return [.. items];
        }

        throw Failure(response, what);
    }

    /// <summary>The client's product check failed: the answer lacked <c>X-Elastic-Product: Elasticsearch</c>.</summary>
    private ElasticsearchException NotElasticsearch(string what, UnsupportedProductException ex) =>
        new($"{options.Describe()} answered '{what}' without '{ProductHeader}: Elasticsearch' (the official client's product check); is Index:Elasticsearch an Elasticsearch 9 cluster, and are the address and credentials right?", inner: ex);

    /// <summary>
    /// The answer, if it came from Elasticsearch and succeeded; else an <see cref="ElasticsearchException"/>
    /// naming what failed (the cluster's error type and reason, or the transport's failure).
    /// </summary>
    private static T Ensure<T>(T response, string what) where T : ElasticsearchResponse
    {
        if (response.IsValidResponse)
        {
            return response;
        }

        throw Failure(response, what);
    }

    private static ElasticsearchException Failure(ElasticsearchResponse response, string what)
    {
        var status = response.ApiCallDetails.HttpStatusCode;
        if (response.ElasticsearchServerError?.Error is { } error)
        {
            return new ElasticsearchException($"Elasticsearch could not {what}: {status} {error.Type}: {error.Reason}", (HttpStatusCode?)status);
        }

        var reason = response.TryGetOriginalException(out var exception) && exception is not null
            ? (exception.InnerException ?? exception).Message
            : $"status {status?.ToString(CultureInfo.InvariantCulture) ?? "none"}";
        return new ElasticsearchException($"Elasticsearch could not {what}: {reason}", (HttpStatusCode?)status, exception);
    }

    private static long TotalOf(SearchResponse<JsonObject> result) =>
        result.HitsMetadata?.Total is { } total
            ? total.Match(hits => hits?.Value ?? 0, count => count)
            : 0;

    private static Mention ReadMention(Hit<JsonObject> hit) =>
        hit.Source?["mention"]?.Deserialize<Mention>(Json) ?? throw new ElasticsearchException($"hit {hit.Id} has no stored mention");

    private static string KeyOf(StringTermsBucket bucket) =>
        bucket.Key.TryGetString(out var key) && key is not null ? key : bucket.Key.Value?.ToString() ?? string.Empty;

    private static List<TermCount> TermCounts(AggregateDictionary aggregations, string name, int topN) =>
        [.. (aggregations.GetStringTerms(name)?.Buckets ?? [])
            .Select(b => new TermCount(KeyOf(b), b.DocCount))
            .OrderByDescending(t => t.Count)
            .ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(topN)];

    private static Aggregation Terms(string field, int size) => new()
    {
        // Ties broken by key so both engines list equal counts in the same order.
        Terms = new TermsAggregation
        {
            Field = field,
            Size = size,
            Order = [new KeyValuePair<Field, SortOrder>("_count", SortOrder.Desc), new KeyValuePair<Field, SortOrder>("_key", SortOrder.Asc)],
        },
    };

    private static void AddTerm(List<EsQuery> clauses, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            clauses.Add(new EsQuery { Term = new TermQuery { Field = field, Value = value } });
        }
    }

    private static void AddIfPresent(JsonObject document, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            document[field] = value;
        }
    }

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

public class ElasticsearchException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner), SentimentWatch.Core.Indexing.ITransientIndexFailure
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>429 (too many requests, a tripped circuit breaker) or 502/503/504: the cluster, not the mention.</summary>
    public virtual bool Transient => IsTransient((int?)Status);

    internal static bool IsTransient(int? status) => status is 429 or 502 or 503 or 504;
}

/// <summary>Some mentions of a batch were not indexed; the rest were. Upserting them again is safe.</summary>
public sealed class MentionIndexRejectedException(IReadOnlyList<BulkRejection> rejections)
    : ElasticsearchException($"Elasticsearch rejected {rejections.Count} mention(s): {string.Join("; ", rejections.Take(5).Select(r => $"{r.MentionId} ({r.Status} {r.Reason})"))}")
{
    public IReadOnlyList<BulkRejection> Rejections { get; } = rejections;

    /// <summary>Every item refused for the cluster's sake (429 read-only past the disk flood stage, 503): none for its content.</summary>
    public override bool Transient => Rejections.Count > 0 && Rejections.All(r => IsTransient(r.Status));
}
