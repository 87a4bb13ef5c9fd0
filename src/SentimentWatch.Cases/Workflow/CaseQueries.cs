using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Cases.Workflow;

/// <summary>Who is looking: decides redaction of personal data and which cases a <c>pr</c> caller may read.</summary>
public sealed record CaseViewer(string Name, bool SeesPersonalData, bool AlertLinkedOnly);

public sealed record CaseFilter
{
    /// <summary>Null or <c>open</c>: open cases; <c>all</c>; or one status.</summary>
    public CaseStatus? Status { get; init; }

    public bool All { get; init; }
    public string? Owner { get; init; }
    public string? Team { get; init; }
    public string? Category { get; init; }
    public int? Priority { get; init; }
    public bool? Breached { get; init; }
    public string? Watch { get; init; }
    public string? Text { get; init; }
    public long? AlertId { get; init; }

    /// <summary>The case this mention is on (combine with <see cref="All"/> to find it whatever its status).</summary>
    public string? MentionId { get; init; }

    /// <summary>The order of the list (counts ignore it).</summary>
    public CaseOrder Order { get; init; }
}

/// <summary>The queue's orders. Both put the case whose running SLA clock falls due first ahead among equals.</summary>
public enum CaseOrder
{
    /// <summary>Priority, then the nearest running due time, then id: the default.</summary>
    Priority = 0,

    /// <summary>
    /// "Due soonest": the nearest running due time (the earlier of first response and resolution), then
    /// priority, then id. Cases with no running clock (waiting on the customer, resolved, closed) come last.
    /// </summary>
    Due = 1,
}

public static class CaseOrders
{
    public static string ToWire(CaseOrder order) => order == CaseOrder.Due ? "due" : "priority";

    public static bool TryParse(string? value, out CaseOrder order)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "priority":
                order = CaseOrder.Priority;
                return true;
            case "due":
                order = CaseOrder.Due;
                return true;
            default:
                order = default;
                return false;
        }
    }

    public const string Wire = "priority, due";
}

/// <summary>How many open cases each queue tab holds, under the same filters (priority, category, text, …).</summary>
public sealed record CaseTabCounts(int Open, int Mine, int Breached);

public sealed record CaseSummary(
    long Id,
    string Title,
    string Status,
    string Priority,
    string Category,
    string Watch,
    string? Team,
    string? Owner,
    string? Author,
    string Source,
    bool DirectComplaint,
    DateTimeOffset OpenedAt,
    DateTimeOffset ClockStartedAt,
    DateTimeOffset? DueAt,
    TimeSpan? TimeLeft,
    bool Paused,
    bool Breached,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    long? AlertId,
    long? MergedInto,
    int Version)
{
    /// <summary>Which clock <see cref="DueAt"/> is the deadline of: <c>first_response</c> or <c>resolution</c> (null when none runs).</summary>
    public string? DueClock { get; init; }
}

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? NextCursor);

public sealed record CaseMentionView(string MentionId, string Source, string? Url, string? Author, string? Title, string Excerpt, string? Topic, float Negative, DateTimeOffset PublishedAt, DateTimeOffset AttachedAt, string Reason);

public sealed record CaseNoteView(long Id, string By, DateTimeOffset At, string Text);

public sealed record CustomerReplyView(long Id, string By, DateTimeOffset At, string Channel, string Text);

public sealed record CaseAuditView(long Id, DateTimeOffset At, string Who, string What, string? Before, string? After, string? Reason);

public sealed record FollowUpView(int Cycle, DateTimeOffset DueAt, bool Due, DateTimeOffset? DoneAt, string? DoneBy, int? Satisfaction, string? Comment);

public sealed record CaseDetail(
    CaseSummary Case,
    SlaView Sla,
    IReadOnlyList<string> AllowedTransitions,
    string? ResolutionSummary,
    string? RootCause,
    int ReopenCount,
    int? Satisfaction,
    string? SatisfactionComment,
    IReadOnlyList<string> RiskTerms,
    long Reach,
    float Negative,
    IReadOnlyList<CaseMentionView> Mentions,
    IReadOnlyList<CaseNoteView> Notes,
    IReadOnlyList<CustomerReplyView> Replies,
    IReadOnlyList<FollowUpView> FollowUps,
    IReadOnlyList<CaseAuditView> Audit,
    IReadOnlyList<AlertLink> Alerts,
    IReadOnlyList<long> AlertIds,
    DateTimeOffset? PostedAt)
{
    /// <summary>How long the customer's post waited before the case opened (null when it was found at once); the SLA clocks charge at most <c>SlaMaxBackdate</c> of it (decision 226).</summary>
    public TimeSpan? WaitedBeforeOpening => PostedAt is { } posted && Case.OpenedAt - posted is { } waited && waited > TimeSpan.Zero ? waited : null;
}

public sealed record CaseMetricsGroup(
    string Key,
    int Volume,
    int Resolved,
    double? ResolutionRate,
    double? MedianFirstResponseMinutes,
    double? P90FirstResponseMinutes,
    double? MedianResolutionMinutes,
    double? P90ResolutionMinutes,
    double? SlaCompliancePercent,
    int Backlog,
    int BreachedNow,
    double? ReopenRate,
    double? SatisfactionAverage,
    double? SatisfactionResponseRate);

public sealed record CaseMetrics(DateTimeOffset From, DateTimeOffset To, string? GroupBy, CaseMetricsGroup Total, IReadOnlyList<CaseMetricsGroup> Groups);

/// <summary>Reads for the API: the queue, one case in full, metrics and the CSV export.</summary>
public sealed class CaseQueries(IDbContextFactory<CasesDbContext> dbs, CaseDesk desk, CaseMetricRollups rollups, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<CasePage> ListAsync(CaseFilter filter, CaseViewer viewer, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var after = DecodeCursor(cursor);
        if (after is { } a && a.Order != filter.Order)
        {
            throw new FormatException($"cursor belongs to the sort '{CaseOrders.ToWire(a.Order)}', not '{CaseOrders.ToWire(filter.Order)}'; start again without it");
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter, viewer, now.UtcTicks);
        List<Case> rows;
        if (filter.Order == CaseOrder.Due)
        {
            if (after is var (_, p, d, id))
            {
                // The first conjunct is implied by the second; it lets the index seek to the cursor instead of walking to it.
                query = query.Where(c => c.DueKey >= d && (c.DueKey > d || (c.DueKey == d && (c.Priority > p || (c.Priority == p && c.Id > id)))));
            }

            rows = await query.OrderBy(c => c.DueKey).ThenBy(c => c.Priority).ThenBy(c => c.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        }
        else
        {
            if (after is var (_, p, d, id))
            {
                query = query.Where(c => c.Priority > p || (c.Priority == p && (c.DueKey > d || (c.DueKey == d && c.Id > id))));
            }

            rows = await query.OrderBy(c => c.Priority).ThenBy(c => c.DueKey).ThenBy(c => c.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        }

        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var items = rows.Select(c => Summarize(c, viewer, now)).ToList();
        var next = more ? EncodeCursor(filter.Order, rows[^1].Priority, rows[^1].DueKey, rows[^1].Id) : null;
        return new CasePage(items, next);
    }

    /// <summary>
    /// The queue tabs' counts in one grouped query: open cases under the filter's priority, category,
    /// team, watch, text and alert, how many of them <paramref name="me"/> owns and how many are breached.
    /// The filter's status, owner and breach choice are what the tabs themselves set, so they are ignored.
    /// </summary>
    public async Task<CaseTabCounts> CountTabsAsync(CaseFilter filter, CaseViewer viewer, string? me, CancellationToken cancellationToken)
    {
        var nowTicks = clock.GetUtcNow().UtcTicks;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter with { Status = null, All = false, Owner = null, Breached = null }, viewer, nowTicks);
        var counts = await query
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Open = g.Count(),
                Mine = g.Count(c => me != null && c.Owner == me),
                Breached = g.Count(c => c.FirstResponseBreached || c.ResolutionBreached || c.DueKey <= nowTicks),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return counts is null ? new CaseTabCounts(0, 0, 0) : new CaseTabCounts(counts.Open, counts.Mine, counts.Breached);
    }

    /// <summary>The cases a filter and a viewer select, unordered: what the list pages through and the tabs count.</summary>
    private static IQueryable<Case> Filtered(CasesDbContext db, CaseFilter filter, CaseViewer viewer, long nowTicks)
    {
        var query = db.Cases.AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status && c.MergedIntoId == null);
        }
        else if (!filter.All)
        {
            // An equality, not the bare column: SQLite seeks an index led by IsOpen only for "IsOpen = ?", and the
            // due order has no other index to walk (a bare "WHERE IsOpen" sorted every open case for each page).
            var open = true;
            query = query.Where(c => c.IsOpen == open);
        }

        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            query = filter.Owner == "none" ? query.Where(c => c.Owner == null) : query.Where(c => c.Owner == filter.Owner);
        }

        if (!string.IsNullOrWhiteSpace(filter.Team))
        {
            query = query.Where(c => c.Team == filter.Team);
        }

        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            query = query.Where(c => c.Category == filter.Category);
        }

        if (filter.Priority is { } priority)
        {
            query = query.Where(c => c.Priority == priority);
        }

        if (!string.IsNullOrWhiteSpace(filter.Watch))
        {
            query = query.Where(c => c.WatchId == filter.Watch);
        }

        if (filter.Breached is { } breached)
        {
            query = breached
                ? query.Where(c => c.FirstResponseBreached || c.ResolutionBreached || (c.IsOpen && c.DueKey <= nowTicks))
                : query.Where(c => !c.FirstResponseBreached && !c.ResolutionBreached && !(c.IsOpen && c.DueKey <= nowTicks));
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var pattern = "%" + filter.Text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(c => EF.Functions.Like(c.Title, pattern, "\\") || EF.Functions.Like(c.Category, pattern, "\\")
                || (viewer.SeesPersonalData && c.Author != null && EF.Functions.Like(c.Author, pattern, "\\")));
        }

        if (filter.AlertId is { } alertId)
        {
            query = query.Where(c => db.AlertLinks.Any(l => l.CaseId == c.Id && l.AlertId == alertId));
        }

        if (!string.IsNullOrWhiteSpace(filter.MentionId))
        {
            query = query.Where(c => db.Mentions.Any(m => m.CaseId == c.Id && m.MentionId == filter.MentionId));
        }

        if (viewer.AlertLinkedOnly)
        {
            query = query.Where(c => db.AlertLinks.Any(l => l.CaseId == c.Id));
        }

        return query;
    }

    public async Task<CaseDetail?> GetAsync(long id, CaseViewer viewer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var alertIds = await db.AlertLinks.Where(l => l.CaseId == id).OrderBy(l => l.AlertId).Select(l => l.AlertId).ToListAsync(cancellationToken);
        if (viewer.AlertLinkedOnly && alertIds.Count == 0)
        {
            return null;
        }

        var mentions = await db.Mentions.AsNoTracking().Where(m => m.CaseId == id).OrderBy(m => m.PublishedAt).ThenBy(m => m.Id).ToListAsync(cancellationToken);
        var notes = await db.Notes.AsNoTracking().Where(n => n.CaseId == id).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        var replies = await db.Replies.AsNoTracking().Where(r => r.CaseId == id).OrderBy(r => r.At).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var audit = await db.Audit.AsNoTracking().Where(a => a.CaseId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var followUps = await db.FollowUps.AsNoTracking().Where(f => f.CaseId == id).OrderBy(f => f.Cycle).ToListAsync(cancellationToken);

        var alerts = new List<AlertLink>();
        if (desk.Alerts is { } directory)
        {
            foreach (var alertId in alertIds)
            {
                try
                {
                    if (await directory.FindAsync(alertId, cancellationToken) is { } alert)
                    {
                        alerts.Add(alert);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The case still shows its alert ids; the alert store's trouble is reported by /health.
                    _ = ex;
                }
            }
        }

        var calendar = desk.Policies.CalendarOf(c);
        return new CaseDetail(
            Summarize(c, viewer, now),
            SlaView.Of(c, calendar, now),
            CaseTransitions.WireFrom(c),
            c.ResolutionSummary,
            c.RootCause,
            c.ReopenCount,
            c.Satisfaction,
            c.SatisfactionComment,
            c.RiskTerms.Length == 0 ? [] : c.RiskTerms.Split('\t'),
            c.Reach,
            c.Negative,
            mentions.Select(m => new CaseMentionView(m.MentionId, m.Source, m.Url, Mask(m.Author, viewer), m.Title, m.Excerpt, m.Topic, m.Negative, m.PublishedAt, m.AttachedAt, m.Reason)).ToList(),
            notes.Select(n => new CaseNoteView(n.Id, n.By, n.At, n.Text)).ToList(),
            replies.Select(r => new CustomerReplyView(r.Id, r.By, r.At, r.Channel, r.Text)).ToList(),
            followUps.Select(f => new FollowUpView(f.Cycle, f.DueAt, f.DoneAt is null && f.DueAt <= now, f.DoneAt, f.DoneBy, f.Satisfaction, f.Comment)).ToList(),
            audit.Select(a => new CaseAuditView(a.Id, a.At, a.Who, a.What, a.Before, a.After, a.Reason)).ToList(),
            alerts,
            alertIds,
            // The post that opened the case (by hand or by the pipeline); a case without one falls back to its earliest post.
            (mentions.Where(m => m.Reason is "opened" or "manual").MinBy(m => m.AttachedAt) ?? mentions.FirstOrDefault())?.PublishedAt);
    }

    public CaseSummary Summarize(Case c, CaseViewer viewer, DateTimeOffset now)
    {
        var deadline = c.NextDeadline();
        TimeSpan? left = null;
        if (c.IsOpen)
        {
            var calendar = desk.Policies.CalendarOf(c);
            var elapsed = c.ElapsedWorking(now, calendar);
            if (c.FirstResponseAt is null)
            {
                left = c.FirstResponseTarget - elapsed;
            }

            var resolutionLeft = c.ResolutionTarget - elapsed;
            left = left is { } l && l < resolutionLeft ? l : resolutionLeft;
        }

        var breached = c.FirstResponseBreached || c.ResolutionBreached || (c.IsOpen && c.DueKey <= now.UtcTicks);
        return new CaseSummary(
            c.Id, c.Title, CaseStatuses.ToWire(c.Status), CasePriority.ToWire(c.Priority), c.Category, c.WatchId, c.Team, c.Owner,
            Mask(c.Author, viewer), c.Source, c.DirectComplaint, c.OpenedAt, c.ClockStartedAt, deadline?.DueAt, left, c.IsOpen && c.IsPaused, breached,
            c.FirstResponseDueAt, c.ResolutionDueAt, c.AlertId, c.MergedIntoId, c.Version)
        {
            DueClock = deadline?.Clock,
        };
    }

    /// <summary>Keeps the first character of a handle: enough to tell complainants apart in a list, not to identify one.</summary>
    public static string? Mask(string? author, CaseViewer viewer)
    {
        if (viewer.SeesPersonalData || string.IsNullOrEmpty(author))
        {
            return author;
        }

        var first = char.IsSurrogate(author, 0) && author.Length > 1 ? author[..2] : author[..1];
        return first + "***";
    }

    // ---- metrics ------------------------------------------------------------------------

    /// <summary>
    /// The review figures for cases opened in [from, to), in total and per group: whole UTC days from
    /// the per-day rollups (refreshed first, decision 164), the partial days at either end case by
    /// case. The backlog is about the present, whatever the period: every day's open cases.
    /// </summary>
    public async Task<CaseMetrics> MetricsAsync(DateTimeOffset from, DateTimeOffset to, string? groupBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var kind = groupBy is "category" or "team" or "agent" or "watch" ? groupBy : string.Empty;
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);

        // Days whose rollups are out of date are read case by case (decision 197): a read no longer
        // waits for the writer lock to rebuild them. Many of them (a bulk change, or no background
        // refresh) are rebuilt first, as is every day after an upgrade.
        var marked = await CaseMetricRollups.MarkedDaysAsync(db, cancellationToken);
        if (marked.Contains(CaseMetricDirtyDay.AllDays) || marked.Count > CaseMetricRollups.MarkedDaysReadDirectly)
        {
            await rollups.RefreshAsync(cancellationToken);
        }

        await using var snapshot = await CaseMetricRollups.BeginSnapshotAsync(db, cancellationToken);
        marked = await CaseMetricRollups.MarkedDaysAsync(db, cancellationToken);
        var everyDayMarked = marked.Contains(CaseMetricDirtyDay.AllDays);
        var period = new Dictionary<string, MetricAccumulator>(StringComparer.Ordinal);
        var backlog = new Dictionary<string, MetricAccumulator>(StringComparer.Ordinal);
        static MetricAccumulator For(Dictionary<string, MetricAccumulator> sums, string key) =>
            sums.TryGetValue(key, out var sum) ? sum : sums[key] = new MetricAccumulator();

        // The total of a grouped read comes from the rollups of every case (one row a day), not from
        // merging the groups' (forty rows a day by agent, whose percentiles took a fifth of the read).
        var grouped = kind.Length > 0;
        var totalPeriod = grouped ? new MetricAccumulator() : For(period, string.Empty);
        var totalBacklog = grouped ? new MetricAccumulator() : For(backlog, string.Empty);

        var firstWholeDay = CaseMetricRollups.DayOf(from) + (from == CaseMetricRollups.StartOf(CaseMetricRollups.DayOf(from)) ? 0 : 1);
        var endWholeDays = CaseMetricRollups.DayOf(to);

        // The period's part of the days at either end, case by case, day by day (a marked day is read whole below).
        async Task ReadPartAsync(DateTimeOffset start, DateTimeOffset end)
        {
            while (start < end && !everyDayMarked)
            {
                var day = CaseMetricRollups.DayOf(start);
                var dayEnd = CaseMetricRollups.StartOf(day + 1) < end ? CaseMetricRollups.StartOf(day + 1) : end;
                if (!marked.Contains(day))
                {
                    await CaseMetricRollups.ReadCasesAsync(db, start, dayEnd, kind, AddToPeriod, cancellationToken);
                }

                start = dayEnd;
            }
        }

        if (firstWholeDay < endWholeDays)
        {
            await ReadPartAsync(from, CaseMetricRollups.StartOf(firstWholeDay));
            await ReadPartAsync(CaseMetricRollups.StartOf(endWholeDays), to);
        }
        else
        {
            await ReadPartAsync(from, to);
        }

        void AddToPeriod(in CaseMetricRow row)
        {
            For(period, row.KeyFor(kind)).Add(row);
            if (grouped)
            {
                totalPeriod.Add(row);
            }
        }

        // A marked day's cases: for the period when opened in it, for the backlog when open.
        var periodFrom = CaseMetricRollups.Stored(from);
        var periodTo = CaseMetricRollups.Stored(to);
        void AddMarked(in CaseMetricRow row)
        {
            if (row.OpenedAt >= periodFrom && row.OpenedAt < periodTo)
            {
                AddToPeriod(row);
            }

            if (row.IsOpen)
            {
                For(backlog, row.KeyFor(kind)).AddOpen(row);
                if (grouped)
                {
                    totalBacklog.AddOpen(row);
                }
            }
        }

        if (everyDayMarked)
        {
            await CaseMetricRollups.ReadCasesAsync(db, null, null, kind, AddMarked, cancellationToken);
        }
        else
        {
            foreach (var day in marked)
            {
                await CaseMetricRollups.ReadCasesAsync(db, CaseMetricRollups.StartOf(day), CaseMetricRollups.StartOf(day + 1), kind, AddMarked, cancellationToken);
            }

            await ReadRollupsAsync(kind, key => For(period, key), key => For(backlog, key));
            if (grouped)
            {
                await ReadRollupsAsync(string.Empty, _ => totalPeriod, _ => totalBacklog);
            }
        }

        async Task ReadRollupsAsync(string rollupKind, Func<string, MetricAccumulator> periodOf, Func<string, MetricAccumulator> backlogOf)
        {
            // The period's whole days, read whole: their open cases count in the backlog too.
            await CaseMetricRollups.ReadDaysAsync(db, rollupKind, firstWholeDay, endWholeDays, backlogOutside: false, day =>
            {
                if (!marked.Contains(day.Day))
                {
                    periodOf(day.Key).AddPeriod(day);
                    if (day.Open > 0)
                    {
                        backlogOf(day.Key).AddBacklog(day);
                    }
                }
            }, cancellationToken);

            // The backlog of every other day that still has open cases: its keys with open cases.
            await CaseMetricRollups.ReadDaysAsync(db, rollupKind, firstWholeDay, endWholeDays, backlogOutside: true, day =>
            {
                if (!marked.Contains(day.Day))
                {
                    backlogOf(day.Key).AddBacklog(day);
                }
            }, cancellationToken);
        }

        var nowTicks = now.UtcTicks;
        var followUpCutoff = CaseMetricRollups.Stored(now - desk.Options.FollowUpDelay);
        var total = Summarize("all", totalPeriod, totalBacklog, nowTicks, followUpCutoff);
        if (!grouped)
        {
            return new CaseMetrics(from, to, null, total, []);
        }

        var groups = period.Keys.Union(backlog.Keys).Order(StringComparer.Ordinal)
            .Select(key => Summarize(key, period.GetValueOrDefault(key) ?? new MetricAccumulator(), backlog.GetValueOrDefault(key) ?? new MetricAccumulator(), nowTicks, followUpCutoff))
            .ToList();
        return new CaseMetrics(from, to, groupBy, total, groups);
    }

    private static CaseMetricsGroup Summarize(string key, MetricAccumulator c, MetricAccumulator open, long nowTicks, long followUpCutoff)
    {
        // Nearest rank: the median is the value at rank ceil(n/2), p90 at ceil(9n/10).
        static (long? Median, long? P90) Percentiles(SortedRuns values) =>
            (values.ValueAtRank((values.Count + 1) / 2), values.ValueAtRank(((9 * values.Count) + 9) / 10));
        var first = Percentiles(c.FirstResponse);
        var resolution = Percentiles(c.Resolution);
        var breached = c.BreachedAt(nowTicks);
        return new CaseMetricsGroup(
            key,
            c.Volume,
            c.Resolved,
            Ratio(c.Resolved, c.Volume),
            Minutes(first.Median),
            Minutes(first.P90),
            Minutes(resolution.Median),
            Minutes(resolution.P90),
            c.Volume == 0 ? null : Math.Round(100.0 * (c.Volume - breached) / c.Volume, 1),
            open.Open,
            open.OpenBreachedAt(nowTicks),
            Ratio(c.Reopened, c.Resolved),
            c.Rated == 0 ? null : Math.Round((double)c.RatingSum / c.Rated, 2),
            Ratio(c.Rated, c.AskedAt(followUpCutoff)));
    }

    private static double? Ratio(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 3);

    private static double? Minutes(long? ticks) => ticks is { } t ? Math.Round(TimeSpan.FromTicks(t).TotalMinutes, 1) : null;

    // ---- export -------------------------------------------------------------------------

    public static readonly string[] CsvColumns =
    [
        "id", "opened_at", "complained_at", "watch", "category", "priority", "status", "team", "owner", "author", "source", "direct_complaint", "title",
        "first_response_at", "first_response_minutes", "first_response_breached", "resolved_at", "resolution_minutes", "resolution_breached",
        "root_cause", "reopen_count", "satisfaction", "alert_id", "merged_into",
    ];

    /// <summary>Streams the cases opened in the period as CSV rows (header first).</summary>
    public async IAsyncEnumerable<string> ExportAsync(DateTimeOffset from, DateTimeOffset to, CaseViewer viewer, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return string.Join(',', CsvColumns);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var f = from.ToUniversalTime();
        var t = to.ToUniversalTime();
        await foreach (var c in db.Cases.AsNoTracking().Where(x => x.OpenedAt >= f && x.OpenedAt < t).OrderBy(x => x.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            string[] cells =
            [
                c.Id.ToString(CultureInfo.InvariantCulture), c.OpenedAt.ToString("O"), c.ClockStartedAt.ToString("O"), c.WatchId, c.Category,
                CasePriority.ToWire(c.Priority), CaseStatuses.ToWire(c.Status), c.Team ?? string.Empty, c.Owner ?? string.Empty,
                Mask(c.Author, viewer) ?? string.Empty, c.Source, c.DirectComplaint ? "true" : "false", c.Title,
                c.FirstResponseAt?.ToString("O") ?? string.Empty, MinutesText(c.FirstResponseWorking), c.FirstResponseBreached ? "true" : "false",
                c.ResolvedAt?.ToString("O") ?? string.Empty, MinutesText(c.ResolutionWorking), c.ResolutionBreached ? "true" : "false",
                c.RootCause ?? string.Empty, c.ReopenCount.ToString(CultureInfo.InvariantCulture),
                c.Satisfaction?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, c.AlertId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                c.MergedIntoId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            ];
            yield return string.Join(',', cells.Select(Csv));
        }
    }

    private static string MinutesText(TimeSpan? working) => working is { } w ? Math.Round(w.TotalMinutes, 1).ToString(CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Quotes a CSV cell, and defuses cells a spreadsheet would run as a formula.</summary>
    public static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    // ---- cursor -------------------------------------------------------------------------

    /// <summary>
    /// The last row of a page in the page's order. A priority-order cursor is <c>priority:due:id</c> (as before
    /// there were two orders, so cursors already handed out still work); a due-order one is <c>due:due:priority:id</c>.
    /// </summary>
    public static string EncodeCursor(CaseOrder order, int priority, long dueKey, long id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(order == CaseOrder.Due
            ? string.Create(CultureInfo.InvariantCulture, $"due:{dueKey}:{priority}:{id}")
            : string.Create(CultureInfo.InvariantCulture, $"{priority}:{dueKey}:{id}")));

    public static (CaseOrder Order, int Priority, long DueKey, long Id)? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 3
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d)
                && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                return (CaseOrder.Priority, p, d, id);
            }

            if (parts.Length == 4 && parts[0] == "due"
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var due)
                && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority)
                && long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var dueId))
            {
                return (CaseOrder.Due, priority, due, dueId);
            }
        }
        catch (FormatException)
        {
            // Falls through: not a cursor this API issued.
        }

        throw new FormatException("cursor is not one this API issued; start again without it");
    }
}
