using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Elasticsearch;

/// <summary>The opaque search-after cursor for Elasticsearch: the sort order's name and the last hit's <c>sort</c> values.</summary>
internal static class ElasticsearchCursor
{
    public static string Encode(MentionSort sort, JsonArray values)
    {
        var payload = new JsonArray(sort.ToString(), values.DeepClone());
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static JsonArray Decode(MentionSort sort, string cursor)
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

        return (JsonArray)values.DeepClone();
    }
}
