using System.Text.Json;
using System.Text.Json.Serialization;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Indexing;

/// <summary>
/// The one JSON shape of a mention: the Lucene stored field, the Elasticsearch <c>_source</c>
/// and the JSONL dumps <c>reindex</c> reads all use it, so a dump can be fed to either engine.
/// </summary>
public static class MentionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] SerializeToUtf8Bytes(Mention mention) => JsonSerializer.SerializeToUtf8Bytes(mention, Options);

    public static Mention Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<Mention>(utf8Json, Options) ?? throw new JsonException("a mention document was null");

    public static Mention Deserialize(string json) =>
        JsonSerializer.Deserialize<Mention>(json, Options) ?? throw new JsonException("a mention document was null");
}
