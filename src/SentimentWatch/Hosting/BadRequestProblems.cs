using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SentimentWatch.Hosting;

/// <summary>
/// Every API's binding failures (a body that is not JSON, <c>limit=abc</c>, a missing body) as
/// problem details naming the field or parameter in plain words, instead of the framework's bare
/// 400. One place for all capabilities' endpoints, so none of them has to remember it.
/// </summary>
internal sealed partial class BadRequestProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode != StatusCodes.Status400BadRequest)
        {
            await TypedResults.Problem(statusCode: bad.StatusCode, title: "The request could not be read", detail: Plain(bad.Message)).ExecuteAsync(httpContext);
            return true;
        }

        var bodyType = (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint())?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var (field, message) = Describe(bad, bodyType);
        await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request could not be read")
            .ExecuteAsync(httpContext);
        return true;
    }

    internal static (string Field, string Message) Describe(BadHttpRequestException bad, Type? bodyType = null)
    {
        if (bad.InnerException is JsonException json)
        {
            return (JsonField(json), JsonMessage(json, bodyType));
        }

        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            return (bind.Groups["name"].Value, $"'{bind.Groups["value"].Value}' is not {PlainType(bind.Groups["type"].Value)}.");
        }

        if (Missing().Match(bad.Message) is { Success: true } missing)
        {
            var from = missing.Groups["from"].Value;
            return from == "body"
                ? ("body", "a JSON body is required")
                : (missing.Groups["name"].Value, $"{missing.Groups["name"].Value} is required (in the {from})");
        }

        return ("$", Plain(bad.Message));
    }

    public static string JsonField(JsonException ex) =>
        string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.StartsWith('$') ? ex.Path[1..].TrimStart('.') : ex.Path;

    /// <summary>
    /// System.Text.Json's message with the .NET type it wanted said in plain words, and where in
    /// the body. <paramref name="bodyShape"/> is what to say when the body as a whole has the wrong
    /// shape (the intake's "a JSON array of mention objects").
    /// </summary>
    public static string JsonMessage(JsonException ex, Type? bodyType = null, string? bodyShape = null)
    {
        var field = JsonField(ex);
        var name = field == "$" ? "the body" : field;
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
        if (Conversion().Match(ex.Message) is { Success: true } conversion)
        {
            if (field == "$" && bodyShape is not null)
            {
                return bodyShape;
            }

            // Records with constructors report the record's type, not the property's: look it up.
            var type = PropertyType(bodyType, field)?.ToString() ?? conversion.Groups["type"].Value;
            return $"{name} must be {PlainType(type)}{where}.";
        }

        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "The body is not valid JSON: " + Plain(cut > 0 ? message[..cut] : message) + where;
    }

    private static Type? PropertyType(Type? bodyType, string field)
    {
        var type = bodyType;
        foreach (var segment in field.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (type is null)
            {
                return null;
            }

            var name = segment.Split('[')[0];
            if (name.Length == 0)
            {
                continue; // an array index ([3]) of a list body: the item's type is the body type
            }

            type = type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }

        return type == bodyType ? null : type;
    }

    /// <summary>
    /// A .NET type name as a caller would say it: a nullable value type by its value type, however it is written
    /// (<c>System.Nullable`1[System.Int64]</c> from System.Text.Json, <c>Nullable&lt;int&gt;</c> from the binder, <c>int?</c>).
    /// </summary>
    public static string PlainType(string type)
    {
        var t = NullableWrapper().Replace(type, "${inner}").Replace("System.", string.Empty, StringComparison.Ordinal).TrimEnd('?');
        return t switch
        {
            "Int64" or "Int32" or "Int16" or "long" or "int" or "short" or "UInt32" or "UInt64" or "uint" or "ulong" => "a whole number (no quotes, no decimals)",
            "Double" or "Decimal" or "Single" or "double" or "decimal" or "float" => "a number",
            "Boolean" or "bool" => "true or false",
            "String" or "string" => "a string",
            "DateTimeOffset" or "DateTime" => "a date-time string in ISO 8601 with an offset, e.g. \"2026-11-20T14:03:00+08:00\"",
            "TimeSpan" => "a duration string such as \"01:30:00\" (hours:minutes:seconds) or \"1.00:00:00\" (one day)",
            "Guid" => "an id such as \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"",
            _ when t.EndsWith("[]", StringComparison.Ordinal) || t.StartsWith("List`1", StringComparison.Ordinal) || t.StartsWith("Collections.", StringComparison.Ordinal) => "a JSON array",
            _ => "a JSON object of the documented shape",
        };
    }

    private static string Plain(string message) => DotNetType().Replace(message, m => PlainType(m.Value));

    [GeneratedRegex(@"Failed to bind parameter ""(?<type>[^ ""]+) (?<name>[^ ""]+)"" from ""(?<value>.*)""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"Required parameter ""(?<type>[^ ""]+) (?<name>[^ ""]+)"" was not provided from (?<from>\w+)")]
    private static partial Regex Missing();

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.(?:\s|$)")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"(?:System\.)?Nullable(?:`1\[(?<inner>.+)\]|<(?<inner>.+)>)")]
    private static partial Regex NullableWrapper();

    [GeneratedRegex(@"System\.[A-Za-z0-9_.`\[\]]+")]
    private static partial Regex DotNetType();
}
