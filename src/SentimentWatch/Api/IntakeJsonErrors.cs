using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Api;

/// <summary>
/// Turns System.Text.Json's errors into what a channel's developer can act on: the field, and the
/// kind of value it takes in plain words (never <c>System.Nullable`1[System.Int64]</c>).
/// </summary>
internal static partial class IntakeJsonErrors
{
    private static readonly Dictionary<string, string> Expected = typeof(IncomingMention)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
        .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => Describe(p.PropertyType), StringComparer.Ordinal);

    /// <summary>The field as the 400 names it: <c>[3].reach</c>, or <c>$</c> for the body itself.</summary>
    public static string Field(JsonException ex)
    {
        var path = ex.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith('$') ? path[1..].TrimStart('.') : path;
    }

    public static string Describe(JsonException ex)
    {
        var field = Field(ex);
        var name = PropertyName().Match(field) is { Success: true } m ? m.Groups[1].Value : null;
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
        if (name is not null && Expected.TryGetValue(name, out var expected) && ConversionFailure().IsMatch(ex.Message))
        {
            return $"{name} must be {expected}{where}.";
        }

        if (name is null && ConversionFailure().IsMatch(ex.Message))
        {
            return field == "$"
                ? "The body must be a JSON array of mention objects: [{\"source\": …, \"text\": …, \"publishedAt\": …}]."
                : $"Each item must be a mention object{where}.";
        }

        // Syntax errors: System.Text.Json's wording names the character and place, without .NET types.
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "The body is not valid JSON: " + (cut > 0 ? message[..cut] : message) + where;
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "a string",
        var t when t == typeof(long) || t == typeof(int) => "a whole number (no quotes, no decimals)",
        var t when t == typeof(DateTimeOffset) => "a date-time string in ISO 8601 with an offset, e.g. \"2026-11-20T14:03:00+08:00\"",
        var t when t == typeof(bool) => "true or false",
        _ => "a value of another kind",
    };

    [GeneratedRegex(@"\.([A-Za-z]+)$")]
    private static partial Regex PropertyName();

    [GeneratedRegex(@"could not be converted", RegexOptions.IgnoreCase)]
    private static partial Regex ConversionFailure();
}
