using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace SentimentWatch.Alerting;

/// <summary>
/// The response plan under <c>/api/alerts/{id}</c>: the steps with their due state, ticks
/// (idempotent PUTs; <c>If-Match</c> with the step's ETag is honoured when sent) and the
/// exportable post-incident record. Mapped by <see cref="AlertingApi.MapAlertingApi"/> on its group
/// (policy pr: roles pr and admin).
/// </summary>
internal static class ResponsePlanApi
{
    public static void Map(RouteGroupBuilder alerts)
    {
        alerts.MapGet("/{id}/steps", ListAsync);
        alerts.MapPut("/{id}/steps/{step}", SetDoneAsync);
        alerts.MapPut("/{id}/steps/{step}/checklist/{item}", SetItemAsync);
        alerts.MapGet("/{id}/timeline", RecordAsync);
    }

    private static async Task<IResult> ListAsync(ResponsePlan plan, string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        var steps = await plan.ListAsync(alertId, cancellationToken);
        return steps is null ? NoAlert(alertId) : TypedResults.Ok(steps);
    }

    /// <summary><c>PUT /api/alerts/{id}/steps/{step}</c> with <c>{"done": true|false, "note"?: "…"}</c>.</summary>
    private static async Task<IResult> SetDoneAsync(ResponsePlan plan, HttpContext http, string id, string step, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        var (body, error) = await ReadAsync<StepRequest>(http, "{\"done\": true, \"note\": \"optional\"}");
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Done is null)
        {
            errors["done"] = ["done is required: true ticks the step, false reopens it"];
        }

        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        if (note is { Length: > ResponsePlan.MaxNote })
        {
            errors["note"] = [$"note must be at most {ResponsePlan.MaxNote} characters (was {note.Length})"];
        }

        var (version, precondition) = ParseIfMatch(http, alertId, step, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (precondition is not null)
        {
            return precondition;
        }

        return Answer(http, await plan.SetDoneAsync(alertId, step, body.Done!.Value, note, version, Who(http), cancellationToken));
    }

    /// <summary><c>PUT /api/alerts/{id}/steps/{step}/checklist/{item}</c> (item from 1) with <c>{"done": true|false}</c>.</summary>
    private static async Task<IResult> SetItemAsync(ResponsePlan plan, HttpContext http, string id, string step, string item, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            errors["item"] = [$"item must be the checklist item's number, from 1 (was '{item}')"];
        }

        var (body, error) = await ReadAsync<StepRequest>(http, "{\"done\": true}");
        if (error is not null)
        {
            return error;
        }

        if (body!.Done is null)
        {
            errors["done"] = ["done is required: true ticks the item, false unticks it"];
        }

        var (version, precondition) = ParseIfMatch(http, alertId, step, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (precondition is not null)
        {
            return precondition;
        }

        return Answer(http, await plan.SetChecklistItemAsync(alertId, step, number, body.Done!.Value, version, Who(http), cancellationToken));
    }

    /// <summary>
    /// <c>GET /api/alerts/{id}/timeline?format=json|markdown|csv&amp;lang=en|zh-CN</c>: the post-incident record; the
    /// Markdown and CSV downloads in English or Chinese. <c>lang</c> does not change the JSON: its incident fields carry
    /// both languages (title, what happened, summaries) and its lines their stored English (with <c>textZh</c> where written).
    /// </summary>
    private static async Task<IResult> RecordAsync(IncidentRecords records, string id, string? format, string? lang, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        var kind = (format ?? "json").Trim().ToLowerInvariant();
        if (kind is not ("json" or "md" or "markdown" or "csv"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [$"format '{format}' is not one of json, markdown (md), csv"] });
        }

        var language = (lang ?? "en").Trim().ToLowerInvariant();
        if (language is not ("en" or "zh" or "zh-cn" or "zh-hans"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["lang"] = [$"lang '{lang}' is not one of en, zh-CN"] });
        }

        var chinese = language != "en";

        var record = await records.BuildAsync(alertId, cancellationToken);
        if (record is null)
        {
            return NoAlert(alertId);
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"incident-{alertId}-record{(chinese ? "-zh" : "")}");
        return kind switch
        {
            "json" => TypedResults.Ok(record),
            "csv" => TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(record.ToCsv(chinese))).ToArray(), "text/csv; charset=utf-8", name + ".csv"),
            _ => TypedResults.File(Encoding.UTF8.GetBytes(record.ToMarkdown(chinese)), "text/markdown; charset=utf-8", name + ".md"),
        };
    }

    private static IResult Answer(HttpContext http, StepChange change)
    {
        switch (change.Kind)
        {
            case StepChangeKind.Ok:
                http.Response.Headers.ETag = change.Step!.ETag;
                return TypedResults.Ok(change.Step);
            case StepChangeKind.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: change.Message);
            default:
            {
                var problem = new ProblemDetails { Status = StatusCodes.Status412PreconditionFailed, Title = "The step changed", Detail = change.Message };
                if (change.Step is { } current)
                {
                    problem.Extensions["currentETag"] = current.ETag;
                    problem.Extensions["current"] = current;
                }

                return TypedResults.Problem(problem);
            }
        }
    }

    private static string Who(HttpContext http) => http.User.Identity?.Name ?? "unknown";

    /// <summary>If-Match: <c>*</c>, or the step's ETag <c>"{alert}-{step}-{version}"</c> (weak or strong); absent means "whatever is current".</summary>
    private static (int? Version, IResult? Precondition) ParseIfMatch(HttpContext http, long alertId, string step, Dictionary<string, string[]> errors)
    {
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return (null, null);
        }

        var tag = (header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header).Trim('"');
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{alertId}-");
        var dash = tag.LastIndexOf('-');
        if (dash > 0 && int.TryParse(tag[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return tag.StartsWith(prefix, StringComparison.Ordinal) && string.Equals(tag[prefix.Length..dash], step, StringComparison.OrdinalIgnoreCase)
                ? (version, null)
                : (null, TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", detail: $"If-Match {header} is not an ETag of step '{step}' of incident {alertId}"));
        }

        errors["If-Match"] = [$"If-Match '{header}' is not an ETag this API issued (e.g. \"{alertId}-{step}-3\")"];
        return (null, null);
    }

    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http, string example)
        where T : class
    {
        if (http.Request.ContentLength == 0)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"a JSON body is required (Content-Type: application/json), e.g. {example}"] }));
        }

        // A body in another media type is refused before it is read, as every JSON endpoint does.
        if (!http.Request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send a JSON object with Content-Type: application/json, e.g. {example}"));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Alert.Json, http.RequestAborted);
            return body is null
                ? (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"a JSON object is required, e.g. {example}"] }))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"not valid here: {Plain(ex.Message.Split(" Path:", 2)[0])} (e.g. {example})"] }));
        }
    }

    /// <summary>
    /// The serializer's sentence without .NET type names: "could not be converted to true or false", not "to System.Boolean";
    /// a value inside a request record is named by the record ("to SentimentWatch.Alerting.StepRequest"): the example then says.
    /// </summary>
    private static string Plain(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"System\.Nullable`1\[(?<t>[\w.]+)\]|(?<t>(?:System|SentimentWatch)\.[\w.`\[\]]+)", m => m.Groups["t"].Value switch
        {
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.DateTimeOffset" or "System.DateTime" => "an ISO 8601 time",
            "System.TimeSpan" => "a duration such as 01:30:00",
            _ => "the kind of value the example shows",
        }, System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static bool TryParseId(string raw, out long id, out IResult problem)
    {
        problem = null!;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0)
        {
            return true;
        }

        problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"id must be a positive whole number (was '{raw}')"] });
        return false;
    }

    private static IResult NoAlert(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"there is no alert {id}");
}

public sealed record StepRequest(bool? Done, string? Note);
