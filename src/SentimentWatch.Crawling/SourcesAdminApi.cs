using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core;
using SentimentWatch.Core.Security;
using SentimentWatch.Crawling.Cli;
using SentimentWatch.Crawling.Scheduling;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;

namespace SentimentWatch.Crawling;

/// <summary>
/// <c>/api/crawling/sources</c> (admin): add, read, replace, pause, resume, delete and dry-run
/// sources while the service runs (issue 18 item 5, decision 155). Every change is audited with
/// the caller's name and takes effect on the scheduler at once.
/// </summary>
public static partial class SourcesAdminApi
{
    private const string Field = "source";

    public static IEndpointRouteBuilder MapSourcesAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/crawling/sources").RequireAuthorization(ApiPolicies.Admin).WithTags("Crawling");
        group.MapGet("/", ListAsync).WithName("ListCrawlSources");
        group.MapPost("/", CreateAsync).WithName("CreateCrawlSource");
        group.MapPost("/test", TestAsync).WithName("TestCrawlSource");
        group.MapGet("/{id}", GetAsync).WithName("GetCrawlSource");
        group.MapPut("/{id}", ReplaceAsync).WithName("ReplaceCrawlSource");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteCrawlSource");
        group.MapPost("/{id}/pause", (string id, SourceCatalog catalog, CrawlSchedule schedule, HttpContext http, ILoggerFactory logs, CancellationToken ct) => SetPausedAsync(id, true, catalog, schedule, http, logs, ct)).WithName("PauseCrawlSource");
        group.MapPost("/{id}/resume", (string id, SourceCatalog catalog, CrawlSchedule schedule, HttpContext http, ILoggerFactory logs, CancellationToken ct) => SetPausedAsync(id, false, catalog, schedule, http, logs, ct)).WithName("ResumeCrawlSource");
        group.MapGet("/{id}/history", HistoryAsync).WithName("CrawlSourceHistory");
        return app;
    }

    /// <summary>A source as the API shows it: credentials only as <c>${env:…}</c> references, never values.</summary>
    public sealed record SourceView(
        string Id,
        string Origin,
        bool Paused,
        DateTimeOffset? PausedAt,
        string? PausedBy,
        DateTimeOffset? CreatedAt,
        string? CreatedBy,
        DateTimeOffset? UpdatedAt,
        string? UpdatedBy,
        CrawlSource Definition)
    {
        public static SourceView From(CatalogedSource s) => new(
            s.Id, s.Origin == SourceOrigin.Api ? "api" : "configuration", s.Paused, s.Pause?.PausedAt, s.Pause?.PausedBy,
            s.Record?.CreatedAt, s.Record?.CreatedBy, s.Record?.UpdatedAt, s.Record?.UpdatedBy, WithoutSecrets(s.Definition));
    }

    public sealed record SourceChangeView(DateTimeOffset At, string Actor, string Action, CrawlSource? Definition);

    public sealed record DryRunPage(string Url, string Outcome, int Items, int NewItems);

    /// <summary>What <c>crawl --once</c> prints and writes, as one response; nothing is stored.</summary>
    public sealed record DryRunView(
        bool Succeeded,
        string? FatalError,
        int PagesFetched,
        int NotModified,
        int ItemsParsed,
        IReadOnlyList<DryRunPage> Pages,
        IReadOnlyList<string> Warnings,
        IReadOnlyList<CrawlingCommands.MentionLine> Mentions);

    private static async Task<Ok<SourceView[]>> ListAsync(SourceCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalog.ListAsync(cancellationToken)).Select(SourceView.From).ToArray());

    private static async Task<Results<Ok<SourceView>, ProblemHttpResult>> GetAsync(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.FindAsync(id, cancellationToken) is { } source ? TypedResults.Ok(SourceView.From(source)) : Unknown(id);

    private static async Task<Results<Created<SourceView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, SourceCatalog catalog, CrawlSchedule schedule, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var (source, invalid, unsupported) = await ReadAsync(request, routeId: null, requireSchedule: true, cancellationToken);
        if (unsupported is not null)
        {
            return unsupported;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var actor = Actor(request.HttpContext);
        var (outcome, added) = await catalog.AddAsync(source!, actor, cancellationToken);
        if (outcome == CatalogOutcome.Conflict)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Source id taken",
                detail: $"A source with id '{source!.Id}' already exists (field 'id'); choose another id or PUT /api/crawling/sources/{source.Id} to change it.");
        }

        await schedule.ApplyAsync(added!, cancellationToken);
        LogChange(logs, actor, SourceCatalog.Created, added!.Id);
        return TypedResults.Created($"/api/crawling/sources/{added.Id}", SourceView.From(added));
    }

    private static async Task<Results<Ok<SourceView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        string id, HttpRequest request, SourceCatalog catalog, CrawlSchedule schedule, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var (source, invalid, unsupported) = await ReadAsync(request, id, requireSchedule: true, cancellationToken);
        if (unsupported is not null)
        {
            return unsupported;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var actor = Actor(request.HttpContext);
        var (outcome, replaced) = await catalog.ReplaceAsync(source!, actor, cancellationToken);
        switch (outcome)
        {
            case CatalogOutcome.NotFound:
                return Unknown(id);
            case CatalogOutcome.ReadOnly:
                return ReadOnly(id);
        }

        await schedule.ApplyAsync(replaced!, cancellationToken);
        LogChange(logs, actor, SourceCatalog.Updated, replaced!.Id);
        return TypedResults.Ok(SourceView.From(replaced));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext http, SourceCatalog catalog, CrawlSchedule schedule, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var existing = await catalog.FindAsync(id, cancellationToken);
        var actor = Actor(http);
        switch (await catalog.DeleteAsync(id, actor, cancellationToken))
        {
            case CatalogOutcome.NotFound:
                return Unknown(id);
            case CatalogOutcome.ReadOnly:
                return ReadOnly(id);
        }

        await schedule.RemoveAsync(existing?.Id ?? id, cancellationToken);
        LogChange(logs, actor, SourceCatalog.Deleted, existing?.Id ?? id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SourceView>, ProblemHttpResult>> SetPausedAsync(
        string id, bool paused, SourceCatalog catalog, CrawlSchedule schedule, HttpContext http, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var actor = Actor(http);
        var (outcome, source) = await catalog.SetPausedAsync(id, paused, actor, cancellationToken);
        if (outcome == CatalogOutcome.NotFound || source is null)
        {
            return Unknown(id);
        }

        await schedule.ApplyAsync(source, cancellationToken);
        LogChange(logs, actor, paused ? SourceCatalog.Paused : SourceCatalog.Resumed, source.Id);
        return TypedResults.Ok(SourceView.From(source));
    }

    private static async Task<Results<Ok<SourceChangeView[]>, ProblemHttpResult>> HistoryAsync(string id, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        var history = await catalog.HistoryAsync(id, cancellationToken);
        if (history.Count == 0 && await catalog.FindAsync(id, cancellationToken) is null)
        {
            return Unknown(id);
        }

        return TypedResults.Ok(history.Select(c => new SourceChangeView(c.At, c.Actor, c.Action, c.Definition is null ? null : WithoutSecrets(c.Definition))).ToArray());
    }

    /// <summary>
    /// <c>POST /api/crawling/sources/test</c>: crawls the definition once, as <c>crawl --once</c>
    /// does (politeness on, no cursor), and answers with the pages, warnings and mentions. Nothing
    /// is stored and nothing enters the pipeline.
    /// </summary>
    private static async Task<Results<Ok<DryRunView>, ValidationProblem, ProblemHttpResult>> TestAsync(HttpRequest request, SourceCrawler crawler, CancellationToken cancellationToken)
    {
        var (source, invalid, unsupported) = await ReadAsync(request, routeId: null, requireSchedule: false, cancellationToken);
        if (unsupported is not null)
        {
            return unsupported;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var pages = new List<DryRunPage>();
        var progress = new SynchronousProgress(p => pages.Add(new DryRunPage(p.Url.ToString(), p.Outcome, p.Items, p.NewItems)));
        var (mentions, report) = await crawler.CrawlAsync(source!, State.CrawlCursor.Empty(), progress, cancellationToken);
        return TypedResults.Ok(new DryRunView(
            report.Succeeded, report.FatalError, report.PagesFetched, report.NotModified, report.ItemsParsed,
            pages, report.Errors, mentions.Select(CrawlingCommands.MentionLine.From).ToList()));
    }

    /// <summary>
    /// Reads and validates a definition from the body: every fault at once, each keyed by its field (400);
    /// a body that is not declared JSON is refused before it is read (415), as every JSON endpoint does.
    /// </summary>
    private static async Task<(CrawlSource? Source, ValidationProblem? Invalid, ProblemHttpResult? Unsupported)> ReadAsync(HttpRequest request, string? routeId, bool requireSchedule, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "Send the source definition as a JSON object with Content-Type: application/json."));
        }

        CrawlSource? source;
        try
        {
            source = await JsonSerializer.DeserializeAsync<CrawlSource>(request.Body, CrawlingCommands.SourceJson, cancellationToken);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"not a valid source definition: {ex.Message}"] }), null);
        }

        if (source is null)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON source definition (one entry of Crawling:Sources) is required"] }), null);
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (routeId is not null)
        {
            if (string.IsNullOrWhiteSpace(source.Id))
            {
                source.Id = routeId;
            }
            else if (!string.Equals(source.Id, routeId, StringComparison.OrdinalIgnoreCase))
            {
                Add(errors, "id", $"{Field}:Id '{ProblemText.Quote(source.Id)}' differs from the id in the URL ('{ProblemText.Quote(routeId)}'); a source cannot be renamed (its id is part of every mention id)");
            }
        }

        foreach (var failure in CrawlingOptionsValidator.ValidateSource(source, Field, requireSchedule))
        {
            Add(errors, FieldOf(failure), failure);
        }

        foreach (var (kind, values) in new[] { ("Headers", source.Auth?.Headers), ("Query", source.Auth?.Query) })
        {
            foreach (var (name, value) in values ?? [])
            {
                if (!EnvReference().IsMatch(value))
                {
                    Add(errors, $"auth.{kind.ToLowerInvariant()}.{name}", $"{Field}:Auth:{kind}:{name} must be a ${{env:VARIABLE_NAME}} reference: credentials are not stored or shown over the API");
                }
            }
        }

        return errors.Count == 0
            ? (source, null, null)
            : (null, TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray())), null);
    }

    /// <summary><c>source:Selectors:Post is required…</c> → <c>selectors.post</c>; <c>source:Urls:0 …</c> → <c>urls[0]</c>.</summary>
    private static string FieldOf(string failure)
    {
        if (!failure.StartsWith(Field + ":", StringComparison.Ordinal))
        {
            // "source needs a schedule", "source sets both Interval and Cron".
            return "interval";
        }

        var setting = failure[(Field.Length + 1)..].Split(' ', 2)[0];
        var parts = setting.Split(':');
        var path = new List<string>();
        foreach (var part in parts)
        {
            if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var index) && path.Count > 0)
            {
                path[^1] += $"[{index}]";
            }
            else
            {
                path.Add(JsonNamingPolicy.CamelCase.ConvertName(part));
            }
        }

        return string.Join('.', path);
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>A copy of the definition whose credentials show only their <c>${env:…}</c> references (literals from configuration are hidden).</summary>
    private static CrawlSource WithoutSecrets(CrawlSource source)
    {
        if (source.Auth is null || source.Auth.IsEmpty)
        {
            return source;
        }

        var copy = JsonSerializer.Deserialize<CrawlSource>(JsonSerializer.Serialize(source, CrawlingCommands.SourceJson), CrawlingCommands.SourceJson)!;
        copy.Auth = new SourceAuth
        {
            Headers = source.Auth.Headers.ToDictionary(h => h.Key, h => Mask(h.Value)),
            Query = source.Auth.Query.ToDictionary(q => q.Key, q => Mask(q.Value)),
        };
        return copy;
    }

    private static string Mask(string value) => EnvReference().IsMatch(value) ? value : "(hidden)";

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "unknown";

    private static ProblemHttpResult Unknown(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"No source with id '{ProblemText.Quote(id)}' is configured or managed over the API (parameter 'id').");

    private static ProblemHttpResult ReadOnly(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Configured source",
            detail: $"Source '{ProblemText.Quote(id)}' comes from configuration (Crawling:Sources) and is read-only over the API (parameter 'id'); change it in configuration, or pause and resume it here.");

    private static void LogChange(ILoggerFactory logs, string actor, string action, string sourceId) =>
        logs.CreateLogger(typeof(SourcesAdminApi)).LogInformation("{Actor} {Action} crawl source {SourceId}", actor, action, sourceId);

    /// <summary>A value that is only <c>${env:NAME}</c> references and the text around them (<c>Bearer ${env:TOKEN}</c>).</summary>
    [GeneratedRegex(@"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}")]
    private static partial Regex EnvReference();
}

/// <summary>Reports on the caller's thread, so progress lines come out in page order.</summary>
internal sealed class SynchronousProgress(Action<CrawlPageEvent> report) : IProgress<CrawlPageEvent>
{
    public void Report(CrawlPageEvent value) => report(value);
}
