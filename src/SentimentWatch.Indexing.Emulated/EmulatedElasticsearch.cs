using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// <para>
/// An EMULATED Elasticsearch node for tests, built from the documented REST API — not
/// Elasticsearch. No node can run where these tests run (no JVM), so this is a real HTTP server
/// on 127.0.0.1 that implements exactly the subset of the reference that
/// <c>ElasticsearchMentionIndex</c> uses, backed by Lucene.NET in memory (Elasticsearch is Lucene
/// underneath): composable index templates (settings with custom analyzers built from the
/// template's tokenizer and token filters, strict mappings, aliases), index creation and
/// deletion, <c>_bulk</c> NDJSON with per-item results, refresh semantics, <c>_search</c> with
/// the query DSL subset, sort/<c>search_after</c>, <c>terms</c> and <c>date_histogram</c>
/// aggregations with <c>typed_keys</c>, <c>_count</c>, <c>_delete_by_query</c>, <c>_alias</c>
/// and <c>_cluster/health</c>, and the root (info, and the <c>HEAD /</c> ping). Every answer
/// carries <c>X-Elastic-Product: Elasticsearch</c>. It reads what the official client
/// (Elastic.Clients.Elasticsearch 9.x) really sends — gzip request bodies, REST API compatibility
/// media types (<c>compatible-with=9</c>, checked as a 9.x node checks them and echoed in the
/// answer), one-element lists sent as the element itself — and can serve HTTPS (decision 130).
/// </para>
/// <para>
/// Requests the real node would reject (unknown query types, body fields, parameters, mapping
/// violations) get the node's documented error shape (reasons worded as a node words them, minus
/// the <c>[line:column]</c> positions), so a wrong request fails the test. Valid
/// requests outside the subset get a <c>not_emulated_exception</c> rather than a made-up answer.
/// Known differences from a real node: scores are Lucene 4.8 BM25 (Elasticsearch 9 runs Lucene
/// 10), and <c>query_string</c> splits on whitespace before analysis (Elasticsearch analyses a
/// whitespace-separated run of words together); for single-token-per-word analysis both give
/// the same matches. The live contract suite remains the final word.
/// </para>
/// </summary>
internal sealed class EmulatedElasticsearch : IAsyncDisposable
{
    /// <summary>The major version this emulation answers as: Elasticsearch 9.</summary>
    public const int Major = 9;

    /// <summary>The JSON media type a node answers with when the request asked for REST API compatibility.</summary>
    public const string CompatibleJson = "application/vnd.elasticsearch+json;compatible-with=9";

    private static readonly Regex CompatibleMediaType = new(@"^application/vnd\.elasticsearch\+(json|x-ndjson)\s*;\s*compatible-with\s*=\s*(\d+)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex InvalidIndexName = new("[\\\\/*?\"<>| ,#:A-Z]|^[-_+]|^\\.\\.?$", RegexOptions.CultureInvariant);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Dictionary<string, IndexTemplate> templates = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EmulatedIndex> indices = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> requests = [];
    private readonly Dictionary<string, int> creations = new(StringComparer.Ordinal);
    private readonly bool recordRequests;
    private WebApplication app = null!;

    private EmulatedElasticsearch(TimeSpan refreshInterval, bool recordRequests)
    {
        RefreshInterval = refreshInterval;
        this.recordRequests = recordRequests;
    }

    /// <summary>How long a write waits for the periodic refresh when the request did not ask for one (the default <c>index.refresh_interval</c> is 1s).</summary>
    public TimeSpan RefreshInterval { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// The <c>search.max_buckets</c> cluster setting (default 65,536): a search whose aggregations make more buckets is refused
    /// with <c>too_many_buckets_exception</c>, a 400 since Elasticsearch 8.8 (elastic/elasticsearch#95304).
    /// </summary>
    public int MaxBuckets { get; set; } = 65_536;

    /// <summary>Every request received, in order, for tests that pin what the client sends.</summary>
    internal IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>
    /// How many times each document id was written as a new document (a bulk item answered
    /// <c>created</c>), over all indices; an upsert of an existing id is not counted. Kept for
    /// the tests that check a mention is indexed once across several writers.
    /// </summary>
    public IReadOnlyDictionary<string, int> Creations
    {
        get
        {
            lock (creations)
            {
                return new Dictionary<string, int>(creations, StringComparer.Ordinal);
            }
        }
    }

    /// <param name="refreshInterval">The periodic refresh (default 1s, as <c>index.refresh_interval</c>).</param>
    /// <param name="certificate">Serve HTTPS with this certificate (and its private key), as a secured 9.x node does by default.</param>
    /// <param name="authority">The CA that signed <paramref name="certificate"/>, sent along in the handshake as a node sends its http_ca.</param>
    /// <param name="recordRequests">Keep every request for <see cref="Requests"/>; off for long runs (every bulk body would stay in memory).</param>
    public static async Task<EmulatedElasticsearch> StartAsync(TimeSpan? refreshInterval = null, X509Certificate2? certificate = null, X509Certificate2? authority = null, bool recordRequests = true)
    {
        var node = new EmulatedElasticsearch(refreshInterval ?? TimeSpan.FromSeconds(1), recordRequests);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (authority is not null)
                {
                    https.ServerCertificateChain = [authority];
                }
            })));
        }

        node.app = builder.Build();
        node.app.Run(node.HandleAsync);
        await node.app.StartAsync();
        node.Url = new Uri(node.app.Urls.First() + "/");
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.DisposeAsync();
        await gate.WaitAsync();
        foreach (var index in indices.Values)
        {
            index.Dispose();
        }

        gate.Dispose();
        stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await EmulatedElasticsearch.ReadBodyAsync(context.Request);
        var path = context.Request.Path.Value!.TrimStart('/');
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (recordRequests)
        {
            lock (requests)
            {
                requests.Add(new RecordedRequest(context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, context.Request.ContentType, context.Request.Headers.Authorization.ToString(), body, context.Request.Headers.Accept.ToString(), context.Request.Headers.ContentEncoding.ToString()));
            }
        }

        int status;
        JsonNode answer;
        var compatible = false;
        await gate.WaitAsync();
        try
        {
            compatible = CompatibleWith(context.Request.Headers.Accept.ToString(), body.Length > 0 ? context.Request.ContentType : null);
            (status, answer) = Route(context.Request.Method, path, query, context.Request.ContentType, body);
        }
        catch (ElasticsearchError error)
        {
            (status, answer) = (error.Status, error.Body());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A fault of the emulation itself: shown to the test in the error shape, never a made-up answer.
            (status, answer) = (500, new ElasticsearchError(500, "emulation_failure", ex.ToString()).Body());
        }
        finally
        {
            gate.Release();
        }

        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        context.Response.StatusCode = status;
        context.Response.ContentType = compatible ? CompatibleJson : "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    /// <summary>
    /// The request body as text. The official client gzips request bodies (its HTTP compression is
    /// on by default) and says so with <c>Content-Encoding: gzip</c>, which a node accepts
    /// (<c>http.compression</c>); an unknown encoding is not guessed at.
    /// </summary>
    public static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream source = encoding switch
        {
            "" or "identity" => request.Body,
            "gzip" => new System.IO.Compression.GZipStream(request.Body, System.IO.Compression.CompressionMode.Decompress),
            "deflate" => new System.IO.Compression.ZLibStream(request.Body, System.IO.Compression.CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"Content-Encoding '{encoding}' is not one a node accepts"),
        };
        using var reader = new StreamReader(source, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>
    /// REST API compatibility as a 9.x node checks it: a versioned media type
    /// (<c>application/vnd.elasticsearch+json; compatible-with=N</c>) may ask for this major or
    /// the one before, and when either Accept or Content-Type asks for a version both must ask
    /// for the same one. True when the request asked (the answer then carries the versioned type).
    /// </summary>
    private static bool CompatibleWith(string accept, string? contentType)
    {
        static int? Version(string? header, out bool versioned)
        {
            versioned = false;
            if (string.IsNullOrWhiteSpace(header))
            {
                return null;
            }

            var match = CompatibleMediaType.Match(header.Split(',')[0].Trim());
            versioned = match.Success;
            return match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
        }

        var acceptVersion = Version(accept, out var acceptVersioned);
        var contentVersion = Version(contentType, out var contentVersioned);
        if (!acceptVersioned && !contentVersioned)
        {
            return false;
        }

        var bothPresent = !string.IsNullOrWhiteSpace(accept) && contentType is not null;
        var mismatch = bothPresent && (acceptVersioned != contentVersioned || acceptVersion != contentVersion);
        var version = acceptVersion ?? contentVersion;
        if (mismatch || version is not (Major or Major - 1))
        {
            var cause = $"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept={accept}, Content-Type={contentType}";
            throw new ElasticsearchError(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]", new JsonObject
            {
                ["caused_by"] = new JsonObject { ["type"] = "status_exception", ["reason"] = cause },
            });
        }

        return true;
    }

    private (int Status, JsonNode Body) Route(string method, string path, Dictionary<string, string> query, string? contentType, string body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        (int, JsonNode) Handle(string[] methods, string[] parameters, Func<(int, JsonNode)> handler)
        {
            if (!methods.Contains(method))
            {
                throw new ElasticsearchError(405, "", $"Incorrect HTTP method for uri [/{path}] and method [{method}], allowed: [{string.Join(", ", methods)}]", plain: true);
            }

            foreach (var parameter in query.Keys)
            {
                if (!parameters.Contains(parameter) && parameter != "pretty")
                {
                    throw ElasticsearchError.IllegalArgument($"request [/{path}] contains unrecognized parameter: [{parameter}]");
                }
            }

            if (body.Length > 0)
            {
                // The versioned types (compatible-with) are the same formats.
                var mediaType = contentType?.Split(';')[0].Trim().Replace("vnd.elasticsearch+", "", StringComparison.OrdinalIgnoreCase);
                var accepted = segments.Length > 0 && segments[^1] == "_bulk" ? mediaType is "application/x-ndjson" or "application/json" : mediaType == "application/json";
                if (!accepted)
                {
                    throw new ElasticsearchError(406, "", $"Content-Type header [{contentType}] is not supported", plain: true);
                }
            }

            return handler();
        }

        return segments switch
        {
            // The client pings HEAD / before using a node of a multi-node pool.
            [] => Handle(["GET", "HEAD"], [], Info),
            ["_index_template", var name] => Handle(["PUT", "POST"], [], () => PutTemplate(name, ObjectBody(body))),
            ["_bulk"] => Handle(["POST", "PUT"], ["refresh"], () => Bulk(null, body, query)),
            [var index, "_bulk"] => Handle(["POST", "PUT"], ["refresh"], () => Bulk(index, body, query)),
            ["_search"] => Handle(["GET", "POST"], ["typed_keys"], () => Search("_all", body, query)),
            [var target, "_search"] => Handle(["GET", "POST"], ["typed_keys"], () => Search(target, body, query)),
            [var target, "_count"] => Handle(["GET", "POST"], [], () => Count(target, body)),
            [var target, "_delete_by_query"] => Handle(["POST"], ["refresh", "conflicts"], () => DeleteByQuery(target, body, query)),
            ["_alias", var name] => Handle(["GET"], [], () => GetAlias(name)),
            ["_cluster", "health"] => Handle(["GET"], [], Health),
            ["_refresh"] => Handle(["POST", "GET"], [], () => Refresh("_all")),
            [var target, "_refresh"] => Handle(["POST", "GET"], [], () => Refresh(target)),
            [var index] when !index.StartsWith('_') => Handle(["PUT", "DELETE"], [], () => method == "PUT" ? CreateIndex(index, ObjectBody(body)) : DeleteIndex(index)),
            _ => throw new ElasticsearchError(400, "", $"no handler found for uri [/{path}] and method [{method}]", plain: true),
        };
    }

    private static JsonObject ObjectBody(string body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw ElasticsearchError.ContentParse("request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw ElasticsearchError.ContentParse($"Failed to parse request body: {ex.Message}");
        }
    }

    private static (int, JsonNode) Acknowledged() => (200, new JsonObject { ["acknowledged"] = true });

    private (int, JsonNode) PutTemplate(string name, JsonObject body)
    {
        foreach (var (key, _) in body)
        {
            if (key is "composed_of" or "data_stream" or "allow_auto_create" or "ignore_missing_component_templates" or "deprecated")
            {
                throw ElasticsearchError.NotEmulated($"the index template field [{key}]");
            }

            if (key is not ("index_patterns" or "template" or "priority" or "version" or "_meta"))
            {
                throw ElasticsearchError.ContentParse($"[index_template] unknown field [{key}]");
            }
        }

        var patterns = body["index_patterns"] switch
        {
            JsonArray array => array.Select(p => p!.ToString()).ToArray(),
            JsonValue single => [single.ToString()],
            _ => throw new ElasticsearchError(400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;"),
        };
        var template = body["template"] as JsonObject ?? [];
        foreach (var (key, _) in template)
        {
            if (key is not ("settings" or "mappings" or "aliases"))
            {
                throw ElasticsearchError.ContentParse($"[template] unknown field [{key}]");
            }
        }

        // A node validates the template's settings and mappings when it is put.
        _ = IndexDefinition.Create(template["settings"] as JsonObject, template["mappings"] as JsonObject);
        templates[name] = new IndexTemplate(name, patterns, body["priority"]?.GetValue<int>() ?? 0, (JsonObject)template.DeepClone());
        return Acknowledged();
    }

    private (int, JsonNode) CreateIndex(string name, JsonObject body)
    {
        if (indices.TryGetValue(name, out var existing))
        {
            throw new ElasticsearchError(400, "resource_already_exists_exception", $"index [{name}/{existing.Uuid}] already exists", new JsonObject { ["index_uuid"] = existing.Uuid, ["index"] = name });
        }

        foreach (var (key, _) in body)
        {
            if (key is not ("settings" or "mappings" or "aliases"))
            {
                throw ElasticsearchError.Parsing($"unknown key [{key}] for create index");
            }
        }

        Create(name, body);
        return (200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = name });
    }

    /// <summary>Creates an index from the highest-priority matching template, overlaid by the request's own settings, mappings and aliases.</summary>
    private EmulatedIndex Create(string name, JsonObject body)
    {
        if (InvalidIndexName.IsMatch(name) || indices.Values.Any(i => i.Aliases.Contains(name)))
        {
            throw new ElasticsearchError(400, "invalid_index_name_exception", $"Invalid index name [{name}], must be lowercase, must not start with '_', '-' or '+' and must not contain \\, /, *, ?, \", <, >, |, ' ', ',', #, :", new JsonObject { ["index_uuid"] = "_na_", ["index"] = name });
        }

        var template = templates.Values.Where(t => t.Matches(name)).OrderByDescending(t => t.Priority).FirstOrDefault()?.Body ?? [];
        var settings = Merge(template["settings"] as JsonObject, body["settings"] as JsonObject);
        var mappings = Merge(template["mappings"] as JsonObject, body["mappings"] as JsonObject);
        var aliasNames = (template["aliases"] as JsonObject ?? []).Concat(body["aliases"] as JsonObject ?? []).Select(a => a.Key).Distinct().ToList();
        var index = new EmulatedIndex(name, IndexDefinition.Create(settings, mappings), aliasNames);
        indices[name] = index;
        return index;
    }

    private static JsonObject? Merge(JsonObject? from, JsonObject? over)
    {
        if (from is null || over is null)
        {
            return (JsonObject?)(over ?? from)?.DeepClone();
        }

        var merged = (JsonObject)from.DeepClone();
        foreach (var (key, value) in over)
        {
            merged[key] = merged[key] is JsonObject a && value is JsonObject b ? Merge(a, b) : value?.DeepClone();
        }

        return merged;
    }

    private (int, JsonNode) DeleteIndex(string expression)
    {
        var names = expression.Split(',');
        foreach (var name in names)
        {
            if (name.Contains('*', StringComparison.Ordinal) || name == "_all")
            {
                // action.destructive_requires_name defaults to true since 8.0.
                throw ElasticsearchError.IllegalArgument("Wildcard expressions or all indices are not allowed");
            }

            if (!indices.ContainsKey(name))
            {
                throw indices.Values.Any(i => i.Aliases.Contains(name))
                    ? ElasticsearchError.IllegalArgument($"The provided expression [{name}] matches an alias, specify the corresponding concrete indices instead.")
                    : ElasticsearchError.IndexNotFound(name);
            }
        }

        foreach (var name in names)
        {
            indices.Remove(name, out var index);
            index!.Dispose();
        }

        return Acknowledged();
    }

    /// <summary>Resolves a target expression: indices, aliases, wildcards and <c>_all</c>, comma-separated.</summary>
    private List<EmulatedIndex> Resolve(string target)
    {
        var resolved = new List<EmulatedIndex>();
        foreach (var part in target.Split(','))
        {
            if (part is "_all" or "*")
            {
                resolved.AddRange(indices.Values);
            }
            else if (part.Contains('*', StringComparison.Ordinal))
            {
                var pattern = new Regex("^" + Regex.Escape(part).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
                resolved.AddRange(indices.Values.Where(i => pattern.IsMatch(i.Name) || i.Aliases.Any(pattern.IsMatch)));
            }
            else if (indices.TryGetValue(part, out var index))
            {
                resolved.Add(index);
            }
            else
            {
                var aliased = indices.Values.Where(i => i.Aliases.Contains(part)).ToList();
                resolved.AddRange(aliased.Count > 0 ? aliased : throw ElasticsearchError.IndexNotFound(part));
            }
        }

        return [.. resolved.Distinct()];
    }

    private (int, JsonNode) Bulk(string? pathIndex, string body, Dictionary<string, string> query)
    {
        var clock = Stopwatch.StartNew();
        var refresh = RefreshParameter(query);
        if (body.Length == 0)
        {
            throw new ElasticsearchError(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        if (!body.EndsWith('\n'))
        {
            throw ElasticsearchError.IllegalArgument("The bulk request must be terminated by a newline [\\n]");
        }

        var lines = body.Split('\n');
        var items = new JsonArray();
        var touched = new HashSet<EmulatedIndex>();
        for (var line = 0; line < lines.Length - 1; line++)
        {
            if (lines[line].Length == 0)
            {
                continue;
            }

            var action = ParseLine(lines[line], line) as JsonObject;
            if (action is not { Count: 1 })
            {
                throw ElasticsearchError.IllegalArgument($"Malformed action/metadata line [{line + 1}], expected START_OBJECT or END_OBJECT but found [{SearchRequest.Token(action)}]");
            }

            var (verb, metadataNode) = action.First();
            if (verb == "update")
            {
                throw ElasticsearchError.NotEmulated("the bulk update action");
            }

            if (verb is not ("index" or "create" or "delete"))
            {
                throw ElasticsearchError.IllegalArgument($"Malformed action/metadata line [{line + 1}], expected field [create], [delete], [index] or [update] but found [{verb}]");
            }

            var metadata = metadataNode as JsonObject ?? [];
            foreach (var (key, _) in metadata)
            {
                if (key is not ("_index" or "_id"))
                {
                    throw key is "routing" or "version" or "version_type" or "if_seq_no" or "if_primary_term" or "pipeline" or "require_alias" or "dynamic_templates"
                        ? ElasticsearchError.NotEmulated($"the bulk action parameter [{key}]")
                        : ElasticsearchError.IllegalArgument($"Action/metadata line [{line + 1}] contains an unknown parameter [{key}]");
                }
            }

            var indexName = metadata["_index"]?.ToString() ?? pathIndex ?? throw new ElasticsearchError(400, "action_request_validation_exception", $"Validation Failed: 1: index is missing;");
            var id = metadata["_id"]?.ToString();
            JsonNode? source = null;
            if (verb != "delete")
            {
                line++;
                if (line >= lines.Length - 1)
                {
                    throw ElasticsearchError.IllegalArgument($"The bulk request must be terminated by a newline [\\n]");
                }

                source = ParseLine(lines[line], line);
            }

            items.Add(new JsonObject { [verb] = BulkItem(verb, indexName, id, source, touched) });
        }

        FinishWrite(touched, refresh);
        return (200, new JsonObject
        {
            ["errors"] = items.Any(i => i!.AsObject().First().Value!["error"] is not null),
            ["took"] = (int)clock.ElapsedMilliseconds,
            ["items"] = items,
        });
    }

    private static JsonNode? ParseLine(string line, int number)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (JsonException ex)
        {
            throw ElasticsearchError.ContentParse($"Failed to parse bulk line {number + 1}: {ex.Message}");
        }
    }

    private JsonObject BulkItem(string verb, string indexName, string? id, JsonNode? source, HashSet<EmulatedIndex> touched)
    {
        try
        {
            var index = WriteIndex(indexName, autoCreate: verb != "delete");
            touched.Add(index);
            var shards = new JsonObject { ["total"] = index.Definition.Replicas + 1, ["successful"] = 1, ["failed"] = 0 };
            if (verb == "delete")
            {
                var found = index.Delete(id ?? throw new ElasticsearchError(400, "action_request_validation_exception", "Validation Failed: 1: id is missing;"));
                return new JsonObject { ["_index"] = index.Name, ["_id"] = id, ["_version"] = 1, ["result"] = found ? "deleted" : "not_found", ["_shards"] = shards, ["_seq_no"] = 0, ["_primary_term"] = 1, ["status"] = found ? 200 : 404 };
            }

            var document = source as JsonObject ?? throw new ElasticsearchError(400, "document_parsing_exception", "failed to parse: the source is not an object");
            id ??= Guid.NewGuid().ToString("N")[..20];
            var (version, sequence, created) = index.Index(id, document, createOnly: verb == "create");
            if (created)
            {
                lock (creations)
                {
                    creations[id] = creations.GetValueOrDefault(id) + 1;
                }
            }
            return new JsonObject
            {
                ["_index"] = index.Name,
                ["_id"] = id,
                ["_version"] = version,
                ["result"] = created ? "created" : "updated",
                ["_shards"] = shards,
                ["_seq_no"] = sequence,
                ["_primary_term"] = 1,
                ["status"] = created ? 201 : 200,
            };
        }
        catch (ElasticsearchError error)
        {
            // A failed item carries the error without root_cause, next to its status.
            var itemError = error.Body()["error"]!.AsObject();
            itemError.Remove("root_cause");
            return new JsonObject { ["_index"] = indexName, ["_id"] = id, ["status"] = error.Status, ["error"] = itemError.DeepClone() };
        }
    }

    /// <summary>The index a write goes to: the index itself, the only index of an alias, or a new index (auto-created, templates applied).</summary>
    private EmulatedIndex WriteIndex(string name, bool autoCreate)
    {
        if (indices.TryGetValue(name, out var index))
        {
            return index;
        }

        var aliased = indices.Values.Where(i => i.Aliases.Contains(name)).ToList();
        return aliased.Count switch
        {
            1 => aliased[0],
            > 1 => throw ElasticsearchError.IllegalArgument($"no write index is defined for alias [{name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index"),
            _ when autoCreate => Create(name, []),
            _ => throw ElasticsearchError.IndexNotFound(name),
        };
    }

    private static string RefreshParameter(Dictionary<string, string> query) =>
        query.GetValueOrDefault("refresh") switch
        {
            null or "false" => "false",
            "" or "true" => "true",
            "wait_for" => "wait_for",
            var other => throw ElasticsearchError.IllegalArgument($"Unknown value for refresh: [{other}]."),
        };

    /// <summary>
    /// refresh=true refreshes now; wait_for answers once the next refresh made the writes visible
    /// (here: at once); without either they become searchable only at the periodic refresh.
    /// </summary>
    private void FinishWrite(IEnumerable<EmulatedIndex> touched, string refresh)
    {
        foreach (var index in touched)
        {
            if (refresh != "false")
            {
                index.Refresh();
            }
            else
            {
                _ = RefreshLaterAsync(index);
            }
        }
    }

    private async Task RefreshLaterAsync(EmulatedIndex index)
    {
        try
        {
            await Task.Delay(RefreshInterval, stopping.Token);
            await gate.WaitAsync(stopping.Token);
            try
            {
                if (indices.ContainsValue(index))
                {
                    index.Refresh();
                }
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The node stopped first.
        }
    }

    private (int, JsonNode) Search(string target, string body, Dictionary<string, string> query)
    {
        var typedKeys = query.GetValueOrDefault("typed_keys") is "" or "true";
        return (200, SearchRequest.Execute(Resolve(target), ObjectBody(body), typedKeys, MaxBuckets));
    }

    private (int, JsonNode) Count(string target, string body)
    {
        var request = ObjectBody(body);
        foreach (var (key, _) in request)
        {
            if (key != "query")
            {
                throw ElasticsearchError.Parsing($"request does not support [{key}]");
            }
        }

        var targets = Resolve(target);
        var shards = targets.Sum(i => i.Definition.Shards);
        return (200, new JsonObject
        {
            ["count"] = SearchRequest.Matches(targets, request["query"]).Count(),
            ["_shards"] = new JsonObject { ["total"] = shards, ["successful"] = shards, ["skipped"] = 0, ["failed"] = 0 },
        });
    }

    private (int, JsonNode) DeleteByQuery(string target, string body, Dictionary<string, string> query)
    {
        var clock = Stopwatch.StartNew();
        var request = ObjectBody(body);
        foreach (var (key, _) in request)
        {
            if (key != "query")
            {
                throw key is "max_docs" or "slice" or "sort"
                    ? ElasticsearchError.NotEmulated($"the delete_by_query field [{key}]")
                    : ElasticsearchError.Parsing($"[delete_by_query] unknown field [{key}]");
            }
        }

        if (request["query"] is null)
        {
            throw new ElasticsearchError(400, "action_request_validation_exception", "Validation Failed: 1: query is missing;");
        }

        var conflicts = query.GetValueOrDefault("conflicts") ?? "abort";
        if (conflicts is not ("abort" or "proceed"))
        {
            throw ElasticsearchError.IllegalArgument($"conflicts may only be \"proceed\" or \"abort\" but was [{conflicts}]");
        }

        var refresh = query.GetValueOrDefault("refresh") switch
        {
            null or "false" => false,
            "" or "true" => true,
            var other => throw ElasticsearchError.IllegalArgument($"Unknown value for refresh: [{other}]."),
        };
        var targets = Resolve(target);
        var matches = SearchRequest.Matches(targets, request["query"]).ToList();
        foreach (var hit in matches)
        {
            hit.Index.Delete(hit.Id);
        }

        FinishWrite(matches.Select(m => m.Index).Distinct(), refresh ? "true" : "false");
        return (200, new JsonObject
        {
            ["took"] = (int)clock.ElapsedMilliseconds,
            ["timed_out"] = false,
            ["total"] = matches.Count,
            ["deleted"] = matches.Count,
            ["batches"] = matches.Count == 0 ? 0 : ((matches.Count - 1) / 1000) + 1,
            ["version_conflicts"] = 0,
            ["noops"] = 0,
            ["retries"] = new JsonObject { ["bulk"] = 0, ["search"] = 0 },
            ["throttled_millis"] = 0,
            ["requests_per_second"] = -1.0,
            ["throttled_until_millis"] = 0,
            ["failures"] = new JsonArray(),
        });
    }

    private (int, JsonNode) GetAlias(string name)
    {
        var result = new JsonObject();
        foreach (var index in indices.Values.Where(i => i.Aliases.Contains(name)))
        {
            result[index.Name] = new JsonObject { ["aliases"] = new JsonObject { [name] = new JsonObject() } };
        }

        return result.Count > 0 ? (200, result) : throw new ElasticsearchError(404, "", $"alias [{name}] missing", plain: true);
    }

    /// <summary>The root endpoint (info API): who answers, and which version it claims to be.</summary>
    private static (int, JsonNode) Info() => (200, new JsonObject
    {
        ["name"] = "emulated-node-1",
        ["cluster_name"] = "emulated",
        ["cluster_uuid"] = "emulated-cluster-uuid-0001",
        ["version"] = new JsonObject
        {
            ["number"] = "9.1.0",
            ["build_flavor"] = "default",
            ["build_type"] = "emulated",
            ["build_hash"] = "emulated",
            ["build_date"] = "2026-01-01T00:00:00.000Z",
            ["build_snapshot"] = false,
            // What the emulation really runs on, not what Elasticsearch 9 bundles.
            ["lucene_version"] = "4.8.0",
            ["minimum_wire_compatibility_version"] = "8.19.0",
            ["minimum_index_compatibility_version"] = "8.0.0",
        },
        ["tagline"] = "You Know, for Search",
    });

    /// <summary>One node: replicas cannot be assigned, so any index with replicas (the default is 1) makes the cluster yellow.</summary>
    private (int, JsonNode) Health()
    {
        var primaries = indices.Values.Sum(i => i.Definition.Shards);
        var unassigned = indices.Values.Sum(i => i.Definition.Shards * i.Definition.Replicas);
        return (200, new JsonObject
        {
            ["cluster_name"] = "emulated",
            ["status"] = unassigned > 0 ? "yellow" : "green",
            ["timed_out"] = false,
            ["number_of_nodes"] = 1,
            ["number_of_data_nodes"] = 1,
            ["active_primary_shards"] = primaries,
            ["active_shards"] = primaries,
            ["relocating_shards"] = 0,
            ["initializing_shards"] = 0,
            ["unassigned_shards"] = unassigned,
            ["unassigned_primary_shards"] = 0,
            ["delayed_unassigned_shards"] = 0,
            ["number_of_pending_tasks"] = 0,
            ["number_of_in_flight_fetch"] = 0,
            ["task_max_waiting_in_queue_millis"] = 0,
            ["active_shards_percent_as_number"] = primaries + unassigned == 0 ? 100.0 : 100.0 * primaries / (primaries + unassigned),
        });
    }

    private (int, JsonNode) Refresh(string target)
    {
        var targets = Resolve(target);
        foreach (var index in targets)
        {
            index.Refresh();
        }

        var shards = targets.Sum(i => i.Definition.Shards);
        return (200, new JsonObject { ["_shards"] = new JsonObject { ["total"] = shards, ["successful"] = shards, ["failed"] = 0 } });
    }

    private sealed record IndexTemplate(string Name, string[] Patterns, int Priority, JsonObject Body)
    {
        public bool Matches(string index) => Patterns.Any(p =>
            Regex.IsMatch(index, "^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant));
    }
}
