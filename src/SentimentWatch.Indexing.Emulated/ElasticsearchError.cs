using System.Text.Json.Nodes;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// An error the emulated node answers with, in the documented shape
/// <c>{"error":{"root_cause":[{type,reason}],type,reason},"status":N}</c> (or the plain
/// <c>{"error":"...","status":N}</c> a few REST handlers answer with).
/// </summary>
internal class ElasticsearchError(int status, string type, string reason, JsonObject? details = null, bool plain = false) : Exception(reason)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public JsonObject Body()
    {
        if (plain)
        {
            return new JsonObject { ["error"] = Message, ["status"] = Status };
        }

        JsonObject Cause()
        {
            var cause = new JsonObject { ["type"] = Type, ["reason"] = Message };
            foreach (var (key, value) in details ?? [])
            {
                cause[key] = value?.DeepClone();
            }

            return cause;
        }

        var error = Error();
        if (error is null)
        {
            error = Cause();
            error.Insert(0, "root_cause", new JsonArray(Cause()));
        }

        return new JsonObject { ["error"] = error, ["status"] = Status };
    }

    /// <summary>An error object of its own shape (a root cause of another type than the error's), or null for the usual one.</summary>
    protected virtual JsonObject? Error() => null;

    /// <summary>
    /// The documented answer to a search over <c>search.max_buckets</c>: a <c>search_phase_execution_exception</c> whose root
    /// cause is <c>too_many_buckets_exception</c> (status 400 since 8.8).
    /// </summary>
    public static ElasticsearchError TooManyBuckets(int max) => new TooManyBucketsError(max);

    private sealed class TooManyBucketsError(int max) : ElasticsearchError(400, "search_phase_execution_exception", "all shards failed")
    {
        protected override JsonObject? Error()
        {
            var cause = new JsonObject
            {
                ["type"] = "too_many_buckets_exception",
                ["reason"] = $"Trying to create too many buckets. Must be less than or equal to: [{max}]. This limit can be set by changing the [search.max_buckets] cluster level setting.",
                ["max_buckets"] = max,
            };
            return new JsonObject
            {
                ["root_cause"] = new JsonArray(cause.DeepClone()),
                ["type"] = Type,
                ["reason"] = Message,
                ["phase"] = "query",
                ["grouped"] = true,
                ["failed_shards"] = new JsonArray(),
                ["caused_by"] = cause,
            };
        }
    }

    public static ElasticsearchError Parsing(string reason) => new(400, "parsing_exception", reason);

    public static ElasticsearchError ContentParse(string reason) => new(400, "x_content_parse_exception", reason);

    public static ElasticsearchError IllegalArgument(string reason) => new(400, "illegal_argument_exception", reason);

    public static ElasticsearchError MapperParsing(string reason) => new(400, "mapper_parsing_exception", reason);

    public static ElasticsearchError QueryShard(string reason) => new(400, "query_shard_exception", reason);

    public static ElasticsearchError IndexNotFound(string name) => new(404, "index_not_found_exception", $"no such index [{name}]", new JsonObject
    {
        ["resource.type"] = "index_or_alias",
        ["resource.id"] = name,
        ["index_uuid"] = "_na_",
        ["index"] = name,
    });

    /// <summary>
    /// A request a real node would accept but this emulation does not implement: it fails the
    /// test loudly (with its own error type) instead of answering something made up.
    /// </summary>
    public static ElasticsearchError NotEmulated(string what) =>
        new(400, "not_emulated_exception", $"{what} is valid Elasticsearch but not part of EmulatedElasticsearch; extend the emulation or run the live contract suite");
}
