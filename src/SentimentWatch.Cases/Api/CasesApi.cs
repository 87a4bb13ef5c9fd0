using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Cases.Api;

/// <summary>
/// <c>/api/cases</c>: the queue, one case in full, metrics, CSV export, and the commands support
/// staff work cases with. Reads: <c>support</c>, <c>admin</c>, and <c>pr</c> for cases linked to a
/// crisis alert; writes: <c>support</c> and <c>admin</c>. Commands that change a case's state need
/// <c>If-Match</c> with the case's ETag (428 without it, 412 when stale); notes and replies only
/// add, so they take it optionally.
/// </summary>
public static class CasesApi
{
    public const string SupportOrPrPolicy = "cases-support-or-pr";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        MaxDepth = 8,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/cases").RequireAuthorization(p => p.RequireAuthenticatedUser().RequireRole(ApiRoles.Admin, ApiRoles.Support, ApiRoles.Pr)).WithTags("Cases");
        read.MapGet("/", ListAsync);
        read.MapGet("/{id:long}", GetAsync);

        var staff = app.MapGroup("/api/cases").RequireAuthorization(ApiPolicies.Support).WithTags("Cases");
        staff.MapGet("/metrics", MetricsAsync);
        staff.MapGet("/export", ExportAsync);
        staff.MapPost("/", OpenAsync);
        staff.MapPost("/{id:long}/assign", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<AssignRequest>(id, http, desk, requireIfMatch: true, (body, version, who) => desk.AssignAsync(id, version, body.Agent ?? string.Empty, who, ct)));
        staff.MapPost("/{id:long}/take", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<EmptyRequest>(id, http, desk, requireIfMatch: true, (_, version, who) => desk.TakeAsync(id, version, who, ct), bodyOptional: true));
        staff.MapPost("/{id:long}/transition", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<TransitionRequest>(id, http, desk, requireIfMatch: true, (body, version, who) => desk.TransitionAsync(id, version, body.To ?? string.Empty, body.Summary, body.RootCause, body.Reason, who, ct)));
        staff.MapPost("/{id:long}/notes", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<NoteRequest>(id, http, desk, requireIfMatch: false, (body, version, who) => desk.AddNoteAsync(id, version, body.Text ?? string.Empty, who, ct)));
        staff.MapPost("/{id:long}/replies", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<ReplyRequest>(id, http, desk, requireIfMatch: false, (body, version, who) => desk.ReplyAsync(id, version, body.Text ?? string.Empty, body.Channel, body.At, who, ct)));
        staff.MapPost("/{id:long}/merge", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<MergeRequest>(id, http, desk, requireIfMatch: true, (body, version, who) => desk.MergeAsync(id, version, body.Into, who, ct)));
        staff.MapPost("/{id:long}/override", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<OverrideRequest>(id, http, desk, requireIfMatch: true, (body, version, who) => desk.OverrideAsync(id, version, body.Category, body.Priority, body.Reason, who, ct)));
        staff.MapPost("/{id:long}/satisfaction", (long id, HttpContext http, CaseDesk desk, CancellationToken ct) =>
            CommandAsync<SatisfactionRequest>(id, http, desk, requireIfMatch: true, (body, version, who) => desk.RecordSatisfactionAsync(id, version, body.Score, body.Comment, who, ct)));

        // The alert's side of the link, served here so the alerting API needs no change.
        app.MapGet("/api/alerts/{id:long}/cases", AlertCasesAsync)
            .RequireAuthorization(p => p.RequireAuthenticatedUser().RequireRole(ApiRoles.Admin, ApiRoles.Support, ApiRoles.Pr))
            .WithTags("Cases");
        return app;
    }

    public sealed record OpenRequest(string? MentionId, string? Watch, string? Note);
    public sealed record AssignRequest(string? Agent);
    public sealed record EmptyRequest;
    public sealed record TransitionRequest(string? To, string? Summary, string? RootCause, string? Reason);
    public sealed record NoteRequest(string? Text);
    public sealed record ReplyRequest(string? Text, string? Channel, DateTimeOffset? At);
    public sealed record MergeRequest(long? Into);
    public sealed record OverrideRequest(string? Category, string? Priority, string? Reason);
    public sealed record SatisfactionRequest(int? Score, string? Comment);

    public sealed record AlertCases(long AlertId, int Open, int Breached, IReadOnlyList<CaseLink> Cases);

    internal static CaseViewer Viewer(ClaimsPrincipal user, CasesOptions options)
    {
        var staff = user.IsInRole(ApiRoles.Admin) || user.IsInRole(ApiRoles.Support);
        var sees = options.PersonalDataRoles.Any(user.IsInRole);
        return new CaseViewer(user.Identity?.Name ?? "unknown", sees, AlertLinkedOnly: !staff);
    }

    private static async Task<IResult> ListAsync(HttpContext http, CaseQueries queries, IOptionsMonitor<CasesOptions> options, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var filter = new CaseFilter();
        switch (q["status"].ToString().Trim())
        {
            case "" or "open":
                break;
            case "all":
                filter = filter with { All = true };
                break;
            case var s when CaseStatuses.TryParse(s, out var status):
                filter = filter with { Status = status };
                break;
            case var s:
                errors["status"] = [$"status '{ProblemText.Quote(s)}' is not one of open, all, {CaseStatuses.Wire}"];
                break;
        }

        if (q["priority"].ToString() is { Length: > 0 } p)
        {
            if (CasePriority.TryParse(p.Trim(), out var priority))
            {
                filter = filter with { Priority = priority };
            }
            else
            {
                errors["priority"] = [$"priority '{ProblemText.Quote(p)}' is not one of P1, P2, P3, P4"];
            }
        }

        if (q["breached"].ToString() is { Length: > 0 } b)
        {
            if (bool.TryParse(b, out var breached))
            {
                filter = filter with { Breached = breached };
            }
            else
            {
                errors["breached"] = [$"breached must be true or false (was '{ProblemText.Quote(b)}')"];
            }
        }

        if (q["alert"].ToString() is { Length: > 0 } a)
        {
            if (long.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out var alertId))
            {
                filter = filter with { AlertId = alertId };
            }
            else
            {
                errors["alert"] = [$"alert must be an alert id (was '{ProblemText.Quote(a)}')"];
            }
        }

        if (q["sort"].ToString() is { Length: > 0 } o)
        {
            if (CaseOrders.TryParse(o, out var order))
            {
                filter = filter with { Order = order };
            }
            else
            {
                errors["sort"] = [$"sort '{ProblemText.Quote(o)}' is not one of {CaseOrders.Wire}"];
            }
        }

        var size = 50;
        if (q["pageSize"].ToString() is { Length: > 0 } ps && (!int.TryParse(ps, NumberStyles.Integer, CultureInfo.InvariantCulture, out size) || size is < 1 or > CaseQueries.MaxPageSize))
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {CaseQueries.MaxPageSize} (was '{ProblemText.Quote(ps)}')"];
        }

        var cursor = q["cursor"].ToString();
        if (cursor.Length > 0)
        {
            try
            {
                if (CaseQueries.DecodeCursor(cursor) is { } after && after.Order != filter.Order && !errors.ContainsKey("sort"))
                {
                    errors["cursor"] = [$"cursor belongs to sort={CaseOrders.ToWire(after.Order)}, not sort={CaseOrders.ToWire(filter.Order)}; page with the sort it came from, or start again without it"];
                }
            }
            catch (FormatException ex)
            {
                errors["cursor"] = [ex.Message];
            }
        }

        RefuseUnknown(q, errors, "status", "priority", "breached", "alert", "category", "cursor", "mention", "owner", "pageSize", "sort", "team", "text", "watch");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some query parameters are not valid");
        }

        filter = filter with
        {
            Owner = NullIfEmpty(q["owner"]),
            Team = NullIfEmpty(q["team"]),
            Category = NullIfEmpty(q["category"]),
            Watch = NullIfEmpty(q["watch"]),
            Text = NullIfEmpty(q["text"]),
            MentionId = NullIfEmpty(q["mention"]),
        };
        var page = await queries.ListAsync(filter, Viewer(http.User, options.CurrentValue), size, cursor.Length == 0 ? null : cursor, cancellationToken);
        return TypedResults.Ok(page);
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } s ? s.Trim() : null;

    private static async Task<IResult> GetAsync(long id, HttpContext http, CaseQueries queries, IOptionsMonitor<CasesOptions> options, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(id, Viewer(http.User, options.CurrentValue), cancellationToken);
        if (detail is null)
        {
            return NotFound(id);
        }

        http.Response.Headers.ETag = ETag(id, detail.Case.Version);
        return TypedResults.Ok(detail);
    }

    private static async Task<IResult> OpenAsync(HttpContext http, CaseDesk desk, CaseQueries queries, IOptionsMonitor<CasesOptions> options, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<OpenRequest>(http, optional: false);
        if (error is not null)
        {
            return error;
        }

        var who = http.User.Identity?.Name ?? "unknown";
        var outcome = await desk.OpenFromMentionAsync(body!.MentionId ?? string.Empty, body.Watch, who, body.Note, cancellationToken);
        if (outcome.Kind != CaseOutcomeKind.Ok)
        {
            return Problem(outcome);
        }

        var detail = await queries.GetAsync(outcome.Case!.Id, Viewer(http.User, options.CurrentValue), cancellationToken);
        http.Response.Headers.ETag = ETag(outcome.Case.Id, detail!.Case.Version);
        return TypedResults.Created($"/api/cases/{outcome.Case.Id}", detail);
    }

    private static async Task<IResult> CommandAsync<TBody>(long id, HttpContext http, CaseDesk desk, bool requireIfMatch, Func<TBody, int?, string, Task<CaseOutcome>> command, bool bodyOptional = false)
        where TBody : class
    {
        var (version, precondition) = ParseIfMatch(http, id, requireIfMatch);
        if (precondition is not null)
        {
            return precondition;
        }

        var (body, error) = await ReadBodyAsync<TBody>(http, bodyOptional);
        if (error is not null)
        {
            return error;
        }

        var who = http.User.Identity?.Name ?? "unknown";
        var outcome = await command(body!, version, who);
        if (outcome.Kind != CaseOutcomeKind.Ok)
        {
            return Problem(outcome);
        }

        var services = http.RequestServices;
        var detail = await services.GetRequiredService<CaseQueries>().GetAsync(outcome.Case!.Id, Viewer(http.User, services.GetRequiredService<IOptionsMonitor<CasesOptions>>().CurrentValue), http.RequestAborted);
        http.Response.Headers.ETag = ETag(outcome.Case.Id, detail!.Case.Version);
        return TypedResults.Ok(detail);
    }

    private static async Task<IResult> MetricsAsync(HttpContext http, CaseQueries queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (from, to, _, errors) = Period(http, clock);
        var groupBy = http.Request.Query["groupBy"].ToString().Trim();
        if (groupBy.Length > 0 && groupBy is not ("category" or "team" or "agent" or "watch"))
        {
            errors["groupBy"] = [$"groupBy must be one of category, team, agent, watch (was '{ProblemText.Quote(groupBy)}')"];
        }

        RefuseUnknown(http.Request.Query, errors, [.. PeriodParameters, "groupBy"]);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some query parameters are not valid");
        }

        return TypedResults.Ok(await queries.MetricsAsync(from, to, groupBy.Length == 0 ? null : groupBy, cancellationToken));
    }

    private static async Task ExportAsync(HttpContext http, CaseQueries queries, IOptionsMonitor<CasesOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (from, to, named, errors) = Period(http, clock);
        RefuseUnknown(http.Request.Query, errors, PeriodParameters);
        if (errors.Count > 0)
        {
            await TypedResults.ValidationProblem(errors, title: "Some query parameters are not valid").ExecuteAsync(http);
            return;
        }

        // Named by the period's first and last days where its dates were read (decision 260): November in Shanghai is
        // cases-20261101-20261130, not the UTC days its instants fall on (31 October 16:00 to 30 November 16:00).
        // Without a named zone, the offset the period's start was written in (the console sends its reader's), else UTC.
        var naming = named ?? QueryTime.Fixed(from.Offset);
        var firstDay = TimeZoneInfo.ConvertTime(from, naming);
        var lastDay = TimeZoneInfo.ConvertTime(to > from ? to.AddTicks(-1) : to, naming);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"cases-{firstDay:yyyyMMdd}-{lastDay:yyyyMMdd}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
        await foreach (var line in queries.ExportAsync(from, to, Viewer(http.User, options.CurrentValue), cancellationToken))
        {
            await writer.WriteAsync(line);
            await writer.WriteAsync("\r\n");
        }
    }

    private static async Task<IResult> AlertCasesAsync(long id, ICaseDirectory directory, IEnumerable<IAlertDirectory> alerts, CancellationToken cancellationToken)
    {
        if (id < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"id must be a positive whole number (was '{id}')"] }, title: "The request is not valid");
        }

        // No cases is an answer about an alert; an alert that does not exist (or a host without alerting) is a 404, as GET /api/alerts/{id} is.
        if (alerts.FirstOrDefault() is not { } alertDirectory || await alertDirectory.FindAsync(id, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"there is no alert {id}");
        }

        var cases = await directory.CasesForAlertAsync(id, cancellationToken);
        var open = cases.Count(c => c.Status is not ("resolved" or "closed"));
        return TypedResults.Ok(new AlertCases(id, open, cases.Count(c => c.Breached && c.Status is not ("resolved" or "closed")), cases));
    }

    private static readonly string[] PeriodParameters = ["from", "to", "timeZone", "utcOffset"];

    /// <summary>
    /// Refuses a query parameter the endpoint does not take, naming the one it looks like: <c>/api/cases?from=2030-01-01</c>
    /// listed every case, and <c>/api/cases/metrics?days=7</c> gave the default 30 days, as if nothing had been asked.
    /// Keys are matched without regard to case, as ASP.NET Core reads them.
    /// </summary>
    private static void RefuseUnknown(IQueryCollection query, Dictionary<string, string[]> errors, params string[] known)
    {
        foreach (var key in query.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase) && !errors.ContainsKey(k)))
        {
            var near = ClosestName.Of(key, known);
            errors[key] = [$"'{ProblemText.Quote(key)}' is not a parameter of this request" + (near is null ? $"; it takes {string.Join(", ", known)}." : $"; did you mean '{near}'?")];
        }
    }

    /// <summary>
    /// The period of the metrics and the export (default: the last 30 days), each end bounded as mention searches are
    /// (<see cref="MentionDateOptions.ReadQueryDate"/>), so no day arithmetic downstream can leave DateTimeOffset's range;
    /// and the zone the query named (<c>timeZone</c> or <c>utcOffset</c>), null when it named none (its dates are UTC's).
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To, TimeZoneInfo? Named, Dictionary<string, string[]> Errors) Period(HttpContext http, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var now = clock.GetUtcNow();
        var dates = http.RequestServices.GetService<IOptions<MentionDateOptions>>()?.Value ?? MentionDateOptions.Default;
        DateTimeOffset? givenFrom = null, givenTo = null;

        // Dates without an offset are read in timeZone (UTC when not given), and a date as 'to' includes its day (decision 260).
        TimeZoneInfo? found = null;
        var zoneText = http.Request.Query["timeZone"].ToString().Trim();
        if (zoneText.Length > 0 && !QueryTime.TryFindZone(zoneText, out found))
        {
            // The dates are still read (in UTC) so one 400 names every bad parameter.
            errors["timeZone"] = [$"timeZone must be an IANA time zone such as Asia/Shanghai or America/New_York (was '{ProblemText.Quote(zoneText)}')"];
        }

        // utcOffset as the mention endpoints read it: a fixed offset, not together with timeZone.
        var offsetText = http.Request.Query["utcOffset"].ToString().Trim();
        TimeZoneInfo? fixedZone = null;
        if (offsetText.Length > 0)
        {
            if (!QueryTime.TryParseOffset(offsetText, out var offset))
            {
                errors["utcOffset"] = [$"utcOffset must be an offset such as +08:00 or -05:00 (was '{ProblemText.Quote(offsetText)}')"];
            }
            else if (zoneText.Length > 0)
            {
                errors["utcOffset"] = ["give timeZone or utcOffset, not both; timeZone follows daylight saving"];
            }
            else
            {
                fixedZone = QueryTime.Fixed(offset);
            }
        }

        var named = found ?? fixedZone;
        var toIsDate = false;
        foreach (var (field, setter) in new (string, Action<DateTimeOffset>)[] { ("from", v => givenFrom = v), ("to", v => givenTo = v) })
        {
            var raw = http.Request.Query[field].ToString();
            if (raw.Length == 0)
            {
                continue;
            }

            switch (dates.ReadQueryDate(raw, named ?? TimeZoneInfo.Utc, periodEnd: field == "to", now, out var value, out var isDate))
            {
                case QueryDateRead.NotADate:
                    errors[field] = [$"{field} must be an ISO 8601 date or time (was '{ProblemText.Quote(raw)}')"];
                    break;
                case QueryDateRead.OutsideWindow:
                    errors[field] = [$"{field} must be from {dates.EarliestPublishedAt:yyyy-MM-dd} to {dates.QueryLatest(now):yyyy-MM-dd} (was '{ProblemText.Quote(raw)}')"];
                    break;
                default:
                    setter(value);
                    toIsDate |= field == "to" && isDate;
                    break;
            }
        }

        // A missing end: the 30 days before 'to', or from 'from' to now (QueryTime.Period).
        var (from, to) = QueryTime.Period(givenFrom, givenTo, now, TimeSpan.FromDays(30));
        if (errors.Count == 0 && to <= from)
        {
            // Said with the texts given where there are some: a date as 'to' is read as the next midnight, which nobody typed.
            string Given(string field, DateTimeOffset value) =>
                http.Request.Query[field].ToString() is { Length: > 0 } raw ? ProblemText.Quote(raw) : value.ToString("O", CultureInfo.InvariantCulture);
            errors["to"] = [$"to ({Given("to", to)}) must be after from ({Given("from", from)})" + (toIsDate ? "; a date as 'to' includes its day" : "")];
        }

        return (from, to, named, errors);
    }

    private static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpContext http, bool optional)
        where T : class
    {
        if (optional && (http.Request.ContentLength ?? 0) == 0 && !http.Request.HasJsonContentType())
        {
            return (JsonSerializer.Deserialize<T>("{}", Json), null);
        }

        if (!http.Request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send a JSON object with Content-Type: application/json."));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted);
            return body is null
                ? (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["Send a JSON object, not null."] }, title: "The request body is not valid"))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"The body is not valid JSON for this request: {ex.Message}"] }, title: "The request body is not valid"));
        }
    }

    public static string ETag(long id, int version) => string.Create(CultureInfo.InvariantCulture, $"\"{id}-{version}\"");

    /// <summary>Reads If-Match: <c>"id-version"</c> (weak or strong) or <c>*</c>.</summary>
    private static (int? Version, IResult? Problem) ParseIfMatch(HttpContext http, long id, bool required)
    {
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return required
                ? (null, TypedResults.Problem(
                    statusCode: StatusCodes.Status428PreconditionRequired,
                    title: "If-Match required",
                    detail: $"Send If-Match with the ETag from GET /api/cases/{id} (or '*' to act on whatever is current), so two agents never overwrite each other."))
                : (null, null);
        }

        if (header == "*")
        {
            return (null, null);
        }

        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        tag = tag.Trim('"');
        var dash = tag.LastIndexOf('-');
        if (dash > 0
            && long.TryParse(tag[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var taggedId)
            && int.TryParse(tag[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var version))
        {
            if (taggedId != id)
            {
                return (null, TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", detail: $"If-Match names case {taggedId}, not case {id}."));
            }

            return (version, null);
        }

        return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["If-Match"] = [$"If-Match '{ProblemText.Quote(header)}' is not an ETag this API issued (e.g. \"{id}-3\")"] }, title: "The request is not valid"));
    }

    private static IResult NotFound(long id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such case", detail: $"No case {id} (or not one you may see).");

    private static IResult Problem(CaseOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case CaseOutcomeKind.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such case", detail: outcome.Message);
            case CaseOutcomeKind.Invalid:
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { [outcome.Field ?? "$"] = [outcome.Message ?? "not valid"] },
                    title: "The request is not valid",
                    extensions: outcome.Allowed is { } allowed ? new Dictionary<string, object?> { ["allowed"] = allowed } : null);
            case CaseOutcomeKind.Stale:
            {
                var problem = new ProblemDetails { Status = StatusCodes.Status412PreconditionFailed, Title = "The case changed", Detail = outcome.Message };
                problem.Extensions["currentETag"] = ETag(outcome.Case!.Id, outcome.Case.Version);
                return TypedResults.Problem(problem);
            }

            default:
            {
                var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Not allowed in the case's state", Detail = outcome.Message };
                if (outcome.Case is { } c)
                {
                    problem.Extensions["caseId"] = c.Id;
                    problem.Extensions["caseStatus"] = CaseStatuses.ToWire(c.Status);
                }

                problem.Extensions["allowed"] = outcome.Allowed ?? [];
                return TypedResults.Problem(problem);
            }
        }
    }
}
