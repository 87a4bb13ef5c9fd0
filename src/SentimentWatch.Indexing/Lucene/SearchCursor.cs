using System.Text.Json;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// The opaque search-after cursor: the sort values of a page's last hit. Every sort ends with
/// the mention id, so the values identify one mention and the cursor survives commits and
/// merges that renumber Lucene's internal doc ids.
/// </summary>
internal static class SearchCursor
{
    public static string Encode(MentionSort sort, FieldDoc last)
    {
        var values = last.Fields.Select(value => value switch
        {
            BytesRef bytes => "b:" + bytes.Utf8ToString(),
            float f => "f:" + f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            J2N.Numerics.Single f => "f:" + f.ToSingle().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            long l => "l:" + l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            J2N.Numerics.Int64 l => "l:" + l.ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            null => "n:",
            _ => throw new InvalidOperationException($"cannot page on a sort value of type {value.GetType()}"),
        }).Prepend(sort.ToString()).ToArray();
        return Base64Url(JsonSerializer.SerializeToUtf8Bytes(values));
    }

    public static FieldDoc Decode(MentionSort sort, string cursor, SortField[] fields)
    {
        string[] values;
        try
        {
            values = JsonSerializer.Deserialize<string[]>(FromBase64Url(cursor)) ?? [];
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new InvalidCursorException("the paging cursor is not one this index issued; start again from the first page", ex);
        }

        if (values.Length > 0 && values[0] is { } issuedFor && issuedFor != sort.ToString())
        {
            throw new InvalidCursorException($"the paging cursor belongs to another sort order than '{sort}'; start again from the first page");
        }

        if (values.Length != fields.Length + 1 || values.Any(v => v is null))
        {
            throw new InvalidCursorException("the paging cursor is damaged; start again from the first page");
        }

        var parsed = new object?[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var value = values[i + 1];
            var text = value.Length > 2 ? value[2..] : string.Empty;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            parsed[i] = value.Length < 2 || value[1] != ':' ? throw new InvalidCursorException("the paging cursor is damaged; start again from the first page")
                : value[0] switch
                {
                    'b' => new BytesRef(text),
                    'f' when float.TryParse(text, invariant, out var f) => J2N.Numerics.Single.GetInstance(f),
                    'l' when long.TryParse(text, invariant, out var l) => J2N.Numerics.Int64.GetInstance(l),
                    'n' => null,
                    _ => throw new InvalidCursorException("the paging cursor is damaged; start again from the first page"),
                };
        }

        // The doc id is only a tie-breaker after every sort value, and the id value already breaks ties.
        return new FieldDoc(int.MaxValue, float.NaN, parsed!);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Convert.FromBase64String(padded);
    }
}
