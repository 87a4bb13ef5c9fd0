using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Alerting;

public static class AlertingApi
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// The highest page number: far past any real list, and low enough that the rows skipped
    /// ((page - 1) * pageSize, at most 1,999,999,800) fit an int.
    /// </summary>
    public const int MaxPage = 10_000_000;

    /// <summary>The longest silence: a silence is a pause, not a way to switch alerting off.</summary>
    public static readonly TimeSpan MaxSilence = TimeSpan.FromDays(30);

    /// <summary>
    /// <c>/api/alerts</c>: list (status filter, paging), one alert, acknowledge, resolve, and
    /// silences. Role <c>pr</c> or <c>admin</c> (policy <see cref="ApiPolicies.Pr"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapAlertingApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").RequireAuthorization(ApiPolicies.Pr).WithTags("Alerts");
        alerts.MapGet("/", ListAsync);
        alerts.MapGet("/silences", ListSilencesAsync);
        alerts.MapGet("/rules", ListRulesAsync);
        alerts.MapPost("/silences", SilenceAsync);
        alerts.MapPost("/silence", SilenceAsync);
        alerts.MapDelete("/silences/{id}", LiftSilenceAsync);
        alerts.MapGet("/{id}", GetAsync);
        alerts.MapGet("/{id}/mentions", ListMentionsAsync);
        alerts.MapPost("/{id}/acknowledge", AcknowledgeAsync);
        alerts.MapPost("/{id}/ack", AcknowledgeAsync);
        alerts.MapPost("/{id}/resolve", ResolveAsync);
        alerts.MapPost("/{id}/silence", SilenceAlertAsync);
        ResponsePlanApi.Map(alerts);
        return app;
    }

    private static async Task<Results<Ok<AlertPage>, ValidationProblem>> ListAsync(
        IDbContextFactory<AlertingDbContext> dbs, WatchNames names, string? status, string? watch, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!AlertList.IsKnownStatus(status))
        {
            errors["status"] = [$"status '{status}' is not one of {string.Join(", ", AlertList.Statuses)}"];
        }

        var (number, size) = Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var (total, items) = await AlertList.PageAsync(db, status, watch, number, size, cancellationToken);
        return TypedResults.Ok(new AlertPage(total, number, size, items.Select(a => AlertView.From(a, names)).ToArray()));
    }

    /// <summary>
    /// <c>GET /api/alerts/{id}/mentions?page=&amp;pageSize=</c>: the posts behind an incident, newest
    /// first, so the pr role can read them without the analyst's search (already redacted).
    /// </summary>
    private static async Task<Results<Ok<AlertMentionPage>, ProblemHttpResult, ValidationProblem>> ListMentionsAsync(
        IDbContextFactory<AlertingDbContext> dbs, IEnumerable<Core.Indexing.IMentionIndex> indexes, string id, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        var (number, size) = Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        if (alert is null)
        {
            return NotFound(alertId);
        }

        var query = db.AlertMentions.AsNoTracking().Where(m => m.AlertId == alertId);
        var total = await query.CountAsync(cancellationToken);
        var links = await query.OrderByDescending(m => m.At).ThenBy(m => m.MentionId).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        var ids = links.Select(l => l.MentionId).ToList();
        var evidence = await db.Evidence.AsNoTracking().Where(e => e.WatchId == alert.WatchId && ids.Contains(e.MentionId)).ToDictionaryAsync(e => e.MentionId, cancellationToken);
        var index = indexes.FirstOrDefault();
        var items = new List<AlertMentionView>();
        foreach (var link in links)
        {
            var mention = index is null ? null : await index.GetAsync(link.MentionId, cancellationToken);
            evidence.TryGetValue(link.MentionId, out var e);
            items.Add(mention is not null
                ? new AlertMentionView(mention.Id, link.At, mention.Source, mention.Author, mention.Url, mention.Title, mention.Text, mention.Sentiment?.Label.ToString().ToLowerInvariant(), mention.Engagement.Total)
                : new AlertMentionView(link.MentionId, link.At, e?.Source, e?.Author, e?.Url, null, e?.Excerpt, e?.Sentiment?.ToString().ToLowerInvariant(), e?.Reach));
        }

        return TypedResults.Ok(new AlertMentionPage(total, number, size, items));
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult, ValidationProblem>> GetAsync(
        IDbContextFactory<AlertingDbContext> dbs, WatchNames names, string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().Include(a => a.Signals).SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        return alert is null ? NotFound(alertId) : TypedResults.Ok(AlertView.From(alert, names));
    }

    private static Task<Results<Ok<AlertView>, ProblemHttpResult, ValidationProblem>> AcknowledgeAsync(
        IncidentDesk desk, WatchNames names, HttpContext http, string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, http, names, (alertId, by) => desk.AcknowledgeAsync(alertId, by, cancellationToken));

    private static Task<Results<Ok<AlertView>, ProblemHttpResult, ValidationProblem>> ResolveAsync(
        IncidentDesk desk, WatchNames names, HttpContext http, string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, http, names, (alertId, by) => desk.ResolveAsync(alertId, by, cancellationToken));

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult, ValidationProblem>> ChangeAsync(
        string id, HttpContext http, WatchNames names, Func<long, string, Task<Alert?>> change)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        try
        {
            var alert = await change(alertId, http.User.Identity?.Name ?? "unknown");
            return alert is null ? NotFound(alertId) : TypedResults.Ok(AlertView.From(alert, names));
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Alert already resolved", detail: ex.Message);
        }
    }

    /// <summary>
    /// <c>GET /api/alerts/rules</c>: the configured rules and, per watch (and group), whether the
    /// evidence history already spans each baseline rule's configured history (cold start).
    /// </summary>
    private static async Task<Ok<RuleView[]>> ListRulesAsync(IncidentDesk desk, IDbContextFactory<AlertingDbContext> dbs, WatchNames names, IEnumerable<Core.Pipeline.IWatchCatalog> catalogs,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var history = await db.History.AsNoTracking().ToListAsync(cancellationToken);
        var known = history.Where(h => h.Scope.Length == 0).Select(h => h.WatchId)
            .Concat(catalogs.SelectMany(c => c.Watches).Select(w => w.Id)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var views = new List<RuleView>();
        foreach (var rule in desk.Rules)
        {
            var watches = rule.Kind == CrisisRuleKind.SourceSilent ? [] : rule.Watch == CrisisRule.AnyWatch ? known : [rule.Watch];
            var readiness = new List<BaselineReadiness>();
            foreach (var watch in watches)
            {
                var scopes = rule.GroupBy == EvidenceGrouping.None
                    ? [""]
                    : history.Where(h => string.Equals(h.WatchId, watch, StringComparison.OrdinalIgnoreCase) && h.Scope.StartsWith(IncidentKeys.GroupFor(rule.GroupBy, ""), StringComparison.Ordinal))
                        .Select(h => h.Scope).Order(StringComparer.Ordinal).ToList();
                foreach (var scope in scopes)
                {
                    var row = history.FirstOrDefault(h => string.Equals(h.WatchId, watch, StringComparison.OrdinalIgnoreCase) && h.Scope == scope);
                    var readyAt = rule.BaselineReadyAt(row?.Start);
                    readiness.Add(new BaselineReadiness(watch, names.Of(watch), scope.Length == 0 ? null : scope, row?.Since, row?.Observed, row?.Start, readyAt is { } r && r <= now,
                        readyAt == DateTimeOffset.MinValue ? null : readyAt));
                }
            }

            views.Add(new RuleView(rule.Id, rule.Watch, CrisisRule.KindToWire(rule.Kind), rule.Severity.ToWire(), rule.Window, rule.NeedsBaseline,
                rule.NeedsBaseline ? rule.Lookback : null, readiness));
        }

        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Ok<SilenceView[]>> ListSilencesAsync(IncidentDesk desk, CancellationToken cancellationToken) =>
        TypedResults.Ok((await desk.ActiveSilencesAsync(cancellationToken)).Select(SilenceView.From).ToArray());

    private static async Task<Results<Created<SilenceView>, ValidationProblem>> SilenceAsync(
        IncidentDesk desk, TimeProvider clock, HttpContext http, SilenceRequest? request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON body {watch, rule?, group?, duration | until, reason?} is required"] });
        }

        if (string.IsNullOrWhiteSpace(request.Watch))
        {
            errors["watch"] = ["watch must name a watch id or be '*'"];
        }
        else if (WithinLength("watch", request.Watch.Trim(), AlertSilence.MaxIdLength, errors)
            && UnknownWatch(request.Watch.Trim(), http.RequestServices.GetService<IWatchCatalog>()) is { } unknown)
        {
            errors["watch"] = [unknown];
        }

        WithinLength("rule", request.Rule?.Trim(), AlertSilence.MaxIdLength, errors);
        WithinLength("group", request.Group?.Trim(), AlertSilence.MaxGroupLength, errors);
        WithinLength("reason", request.Reason, AlertSilence.MaxReasonLength, errors);
        var until = ParseEnd(request.Duration, request.Until, clock.GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var silence = await desk.SilenceAsync(new AlertSilence
        {
            WatchId = request.Watch!.Trim(),
            RuleId = string.IsNullOrWhiteSpace(request.Rule) ? null : request.Rule.Trim(),
            GroupKey = string.IsNullOrWhiteSpace(request.Group) ? null : request.Group.Trim(),
            Until = until,
            Reason = request.Reason,
            CreatedBy = http.User.Identity?.Name,
        }, cancellationToken);
        return TypedResults.Created($"/api/alerts/silences/{silence.Id}", SilenceView.From(silence));
    }

    /// <summary>
    /// <c>POST /api/alerts/{id}/silence</c> with <c>{duration | until, reason?}</c>: silences this
    /// incident (every signal in it, and its recovery notice) until the given time.
    /// </summary>
    private static async Task<Results<Created<SilenceView>, ProblemHttpResult, ValidationProblem>> SilenceAlertAsync(
        IncidentDesk desk, IDbContextFactory<AlertingDbContext> dbs, TimeProvider clock, HttpContext http, string id, SilenceAlertRequest? request, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var alertId, out var invalid))
        {
            return invalid;
        }

        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON body {duration | until, reason?} is required"] });
        }

        var errors = new Dictionary<string, string[]>();
        WithinLength("reason", request.Reason, AlertSilence.MaxReasonLength, errors);
        var until = ParseEnd(request.Duration, request.Until, clock.GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        Alert? alert;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        }

        if (alert is null)
        {
            return NotFound(alertId);
        }

        var silence = await desk.SilenceAsync(new AlertSilence
        {
            WatchId = alert.WatchId,
            GroupKey = alert.GroupKey,
            AlertId = alert.Id,
            Until = until,
            Reason = request.Reason,
            CreatedBy = http.User.Identity?.Name,
        }, cancellationToken);
        return TypedResults.Created($"/api/alerts/silences/{silence.Id}", SilenceView.From(silence));
    }

    /// <summary>False (and an error naming the field) when the text is longer than <paramref name="max"/> characters.</summary>
    private static bool WithinLength(string field, string? value, int max, Dictionary<string, string[]> errors)
    {
        if (value is null || value.Length <= max)
        {
            return true;
        }

        errors[field] = [$"{field} must be at most {max} characters (was {value.Length})"];
        return false;
    }

    /// <summary>
    /// A silence for a watch that does not exist silences nothing: say so, with the known ids
    /// (when this host has a watch catalog; a host without one accepts any id).
    /// </summary>
    private static string? UnknownWatch(string watch, IWatchCatalog? catalog)
    {
        if (watch == "*" || catalog is null || catalog.Watches.Any(w => w.Id == watch))
        {
            return null;
        }

        var known = catalog.Watches.Select(w => w.Id).ToList();
        var hint = known.FirstOrDefault(id => string.Equals(id, watch, StringComparison.OrdinalIgnoreCase)) is { } near
            ? $" Watch ids are case-sensitive: did you mean '{near}'?"
            : " Watch ids are case-sensitive.";
        return $"no watch '{watch}' exists.{hint} Known watches: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}, or '*' for all.";
    }

    /// <summary>
    /// Exactly one of duration or until, ending in the future and within <see cref="MaxSilence"/>; errors name the
    /// parameter. Each is checked against the range before any arithmetic, so a duration such as
    /// "10675199.02:48:05.4775807" is a bad request rather than a date past the calendar's end.
    /// </summary>
    private static DateTimeOffset ParseEnd(TimeSpan? duration, DateTimeOffset? until, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        const string Range = "a silence must end in the future and within 30 days";
        if (until is { } u && duration is null)
        {
            if (u <= now || u > now + MaxSilence)
            {
                errors["until"] = [Range];
            }

            return u.ToUniversalTime();
        }

        if (duration is { } d && until is null)
        {
            if (d <= TimeSpan.Zero || d > MaxSilence)
            {
                errors["duration"] = [$"{Range}: duration must be more than 00:00:00 and at most {MaxSilence} (was {d})"];
                return default;
            }

            return (now + d).ToUniversalTime();
        }

        errors["duration"] = ["give exactly one of duration (e.g. \"01:00:00\") or until"];
        return default;
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> LiftSilenceAsync(
        IncidentDesk desk, HttpContext http, string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var silenceId, out var invalid))
        {
            return invalid;
        }

        return await desk.LiftSilenceAsync(silenceId, http.User.Identity?.Name ?? "unknown", cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active silence", detail: $"silence {silenceId} does not exist or has expired");
    }

    /// <summary>Page (1 to <see cref="MaxPage"/>, default 1) and page size (1 to <see cref="MaxPageSize"/>, default 50); errors name the parameter.</summary>
    private static (int Page, int PageSize) Paging(int? page, int? pageSize, Dictionary<string, string[]> errors)
    {
        var number = page ?? 1;
        var size = pageSize ?? 50;
        if (number is < 1 or > MaxPage)
        {
            errors["page"] = [$"page must be between 1 and {MaxPage} (was {number})"];
        }

        if (size is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize} (was {size})"];
        }

        return (number, size);
    }

    private static bool TryParseId(string raw, out long id, out ValidationProblem problem)
    {
        problem = null!;
        if (long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0)
        {
            return true;
        }

        problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"id must be a positive whole number (was '{raw}')"] });
        return false;
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found", detail: $"there is no alert {id}");
}

/// <summary>A post behind an incident (from the index when the host has one, else the evidence excerpt).</summary>
public sealed record AlertMentionView(string Id, DateTimeOffset At, string? Source, string? Author, string? Url, string? Title, string? Text, string? Sentiment, long? Reach);

public sealed record AlertMentionPage(int Total, int Page, int PageSize, IReadOnlyList<AlertMentionView> Items);

public sealed record AlertPage(int Total, int Page, int PageSize, IReadOnlyList<AlertView> Items);

/// <summary>A configured rule and whether its baseline is ready on each watch (and group) it applies to.</summary>
public sealed record RuleView(string Id, string Watch, string Kind, string Severity, TimeSpan Window, bool NeedsBaseline, TimeSpan? BaselineSpan, IReadOnlyList<BaselineReadiness> Baselines);

/// <summary>
/// <paramref name="HistorySince"/>: the earliest evidence of that watch (group), by publication time;
/// <paramref name="ObservedSince"/>: when this service first recorded its evidence; <paramref name="BaselineSince"/>: where the
/// history behind the baseline starts (the earlier of the two, the earliest post counting only with a backfill of at least
/// 20 past posts: decision 251); <paramref name="Ready"/>: the history spans the rule's baseline, so the rule may fire;
/// <paramref name="ReadyAt"/>: when it does (or did).
/// </summary>
public sealed record BaselineReadiness(string Watch, string WatchName, string? Group, DateTimeOffset? HistorySince, DateTimeOffset? ObservedSince,
    DateTimeOffset? BaselineSince, bool Ready, DateTimeOffset? ReadyAt);

public sealed record SilenceRequest(string? Watch, string? Rule, string? Group, TimeSpan? Duration, DateTimeOffset? Until, string? Reason);

public sealed record SilenceAlertRequest(TimeSpan? Duration, DateTimeOffset? Until, string? Reason);

public sealed record SilenceView(long Id, string Watch, string? Rule, string? Group, DateTimeOffset CreatedAt, DateTimeOffset Until, string? CreatedBy, string? Reason, long? AlertId = null)
{
    public static SilenceView From(AlertSilence s) => new(s.Id, s.WatchId, s.RuleId, s.GroupKey, s.CreatedAt, s.Until, s.CreatedBy, s.Reason, s.AlertId);
}

/// <summary>An alert as the API shows it: what fired, why (numbers, terms, samples) and where it stands.</summary>
public sealed record AlertView
{
    public required long Id { get; init; }
    public required string IncidentKey { get; init; }

    /// <summary>The incident's name as people read it: watch display name and the signals in plain words (decision 225).</summary>
    public required string Title { get; init; }

    /// <summary>The same name in Chinese.</summary>
    public required string TitleZh { get; init; }

    /// <summary>The rule kinds behind the title's signals, in the same order (<c>riskTerms</c>, <c>influencer</c>).</summary>
    public required IReadOnlyList<string> SignalKinds { get; init; }
    public required string Watch { get; init; }
    public required string WatchName { get; init; }
    public required string Rule { get; init; }
    public required string Kind { get; init; }
    public string? Group { get; init; }
    public required string Severity { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required DateTimeOffset LastFiredAt { get; init; }
    public DateTimeOffset? ClearSince { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    /// <summary>One sentence: what is happening now (counts, reach, trend against the usual, growth).</summary>
    public string? WhatHappened { get; init; }

    /// <summary>The same sentence in Chinese (the console in zh-CN shows it; decision 218).</summary>
    public string? WhatHappenedZh { get; init; }
    public required string Summary { get; init; }

    /// <summary>The headline in Chinese; the English one for incidents from before decision 218.</summary>
    public required string SummaryZh { get; init; }
    public required double Measured { get; init; }
    public required double PeakMeasured { get; init; }
    public required double Threshold { get; init; }
    public required int Count { get; init; }
    public double? Baseline { get; init; }
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }
    public required IReadOnlyList<string> TopTerms { get; init; }
    public required IReadOnlyList<EvidenceSample> Samples { get; init; }
    /// <summary>Announcements that went to at least one configured channel; 0 when no channel takes the watch and severity.</summary>
    public required int NotificationCount { get; init; }

    /// <summary>The last announcement, null while none went to a channel.</summary>
    public DateTimeOffset? LastNotifiedAt { get; init; }

    /// <summary>Every signal that fired in the incident, strongest first.</summary>
    public required IReadOnlyList<SignalView> Signals { get; init; }

    public static AlertView From(Alert a, WatchNames names) => new()
    {
        Id = a.Id,
        IncidentKey = a.IncidentKey,
        Title = a.Title(names.Of(a.WatchId)),
        TitleZh = a.Title(names.Of(a.WatchId), chinese: true),
        SignalKinds = a.SignalKinds,
        Watch = a.WatchId,
        WatchName = names.Of(a.WatchId),
        Rule = a.RuleId,
        Kind = CrisisRule.KindToWire(a.Kind),
        Group = a.GroupKey.Length == 0 ? null : a.GroupKey,
        Severity = a.Severity.ToWire(),
        Status = a.Status.ToString().ToLowerInvariant(),
        OpenedAt = a.OpenedAt,
        LastFiredAt = a.LastFiredAt,
        ClearSince = a.ClearSince,
        AcknowledgedAt = a.AcknowledgedAt,
        AcknowledgedBy = a.AcknowledgedBy,
        ResolvedAt = a.ResolvedAt,
        ResolvedBy = a.ResolvedBy,
        WhatHappened = a.DescribeNow(),
        WhatHappenedZh = a.DescribeNow(chinese: true),
        Summary = a.Summary,
        SummaryZh = string.IsNullOrEmpty(a.SummaryZh) ? a.Summary : a.SummaryZh,
        Measured = a.Measured,
        PeakMeasured = a.PeakMeasured,
        Threshold = a.Threshold,
        Count = a.EvidenceCount,
        Baseline = a.Baseline,
        WindowStart = a.WindowStart,
        WindowEnd = a.WindowEnd,
        TopTerms = Notifications.NotificationMessage.MeaningfulTerms(a.TopTerms, names.TermsOf(a.WatchId)),
        Samples = a.Samples,
        NotificationCount = a.NotificationCount,
        LastNotifiedAt = a.NotificationCount > 0 ? a.LastNotifiedAt : null,
        Signals = a.Signals.OrderByDescending(s => s.PeakSeverity).ThenBy(s => s.FirstFiredAt).Select(SignalView.From).ToArray(),
    };
}

/// <summary>One rule's signal in an incident, with its latest and peak numbers.</summary>
public sealed record SignalView(
    string Rule, string Kind, string? Term, string Severity, string PeakSeverity, bool Active, double Measured, double PeakMeasured, double Threshold, int Count, double? Baseline,
    string Summary, DateTimeOffset FirstFiredAt, DateTimeOffset LastFiredAt, DateTimeOffset? ClearedAt, string? SummaryZh = null)
{
    /// <summary>"high-risk complaints" / "高风险投诉".</summary>
    public string What(bool chinese) => Notifications.NotificationMessage.Describe(CrisisRule.TryParseKind(Kind, out var kind) ? kind : CrisisRuleKind.SourceSilent, chinese);

    public static SignalView From(AlertSignal s) => new(
        s.RuleId, CrisisRule.KindToWire(s.Kind), s.SignalKey.Length > s.RuleId.Length ? s.SignalKey[(s.RuleId.Length + 1)..] : null,
        s.Severity.ToWire(), s.PeakSeverity.ToWire(), s.ClearedAt is null, s.Measured, s.PeakMeasured, s.Threshold, s.Count, s.Baseline, s.Summary, s.FirstFiredAt, s.LastFiredAt, s.ClearedAt,
        string.IsNullOrEmpty(s.SummaryZh) ? s.Summary : s.SummaryZh);
}
