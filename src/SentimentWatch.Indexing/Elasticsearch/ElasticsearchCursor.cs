using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Elasticsearch;

/// <summary>The opaque search-after cursor for Elasticsearch: the sort order's name and the last hit's <c>sort</c> values.</summary>
internal static class ElasticsearchCursor
{
    public static string Encode(MentionSort sort, IEnumerable<FieldValue> values)
    {
        var payload = new JsonArray(sort.ToString(), new JsonArray([.. values.Select(ToJson)]));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static List<FieldValue> Decode(MentionSort sort, string cursor)
    {
        JsonArray? payload;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            payload = JsonNode.Parse(Convert.FromBase64String(padded))?.AsArray();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw new InvalidCursorException("the paging cursor is not one this index issued; start again from the first page", ex);
        }

        if (payload is not [JsonValue name, JsonArray values])
        {
            throw new InvalidCursorException("the paging cursor is damaged; start again from the first page");
        }

        if (name.ToString() != sort.ToString())
        {
            throw new InvalidCursorException($"the paging cursor belongs to another sort order than '{sort}'; start again from the first page");
        }

        return [.. values.Select(FromJson)];
    }

    private static JsonNode? ToJson(FieldValue value) => value.Kind switch
    {
        FieldValue.ValueKind.Long => value.TryGetLong(out var number) ? JsonValue.Create(number) : null,
        FieldValue.ValueKind.Double => value.TryGetDouble(out var real) ? JsonValue.Create(real) : null,
        FieldValue.ValueKind.Boolean => value.TryGetBool(out var flag) ? JsonValue.Create(flag) : null,
        FieldValue.ValueKind.String => value.TryGetString(out var text) ? JsonValue.Create(text) : null,
        _ => null,
    };

    private static FieldValue FromJson(JsonNode? node) => node switch
    {
        null => FieldValue.Null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => FieldValue.String(value.GetValue<string>()),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => FieldValue.Boolean(value.GetValue<bool>()),
        JsonValue value when value.TryGetValue<long>(out var number) => FieldValue.Long(number),
        JsonValue value when value.TryGetValue<double>(out var real) => FieldValue.Double(real),
        _ => throw new InvalidCursorException("the paging cursor is damaged; start again from the first page"),
    };
}
