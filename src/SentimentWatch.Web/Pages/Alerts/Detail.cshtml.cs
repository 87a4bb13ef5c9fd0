using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using SentimentWatch.Alerting;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Web.Infrastructure;
using SentimentWatch.Web.Pages.Shared;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>
/// One alert: why it fired (the window against its baseline, the numbers, top terms, samples),
/// the watch's mentions around it, the complaint cases it produced (Core's ICaseDirectory, when
/// the cases capability is present) and the actions, through the same IncidentDesk the API uses.
/// </summary>
public sealed class DetailModel(
    IDbContextFactory<AlertingDbContext> dbs,
    IncidentDesk desk,
    IMentionIndex index,
    IServiceProvider services,
    TimeProvider clock,
    IStringLocalizer<ConsoleText> t,
    ILogger<DetailModel> logger) : PageModel
{
    public static readonly (string Key, TimeSpan Span)[] SilenceChoices =
    [
        ("1h", TimeSpan.FromHours(1)), ("4h", TimeSpan.FromHours(4)), ("24h", TimeSpan.FromHours(24)), ("7d", TimeSpan.FromDays(7)),
    ];

    public AlertView Alert { get; private set; } = null!;

    /// <summary>The window's negative mentions against the usual number; null for rules without a baseline (risk terms, reach).</summary>
    public ChartView? WhyChart { get; private set; }

    public ChartView? Timeline { get; private set; }

    public IReadOnlyList<CaseLink> Cases { get; private set; } = [];

    public bool HasCases { get; private set; }

    public IReadOnlyList<SilenceView> Silences { get; private set; } = [];

    public IReadOnlyList<AlertTimelineEntry> Record { get; private set; } = [];

    /// <summary>Most mentions of the incident listed on its page (newest first); the API pages through all of them.</summary>
    public const int MentionsShown = 100;

    /// <summary>The incident's evidence, newest first (what a message's "All posts" link opens: <c>/alerts/{id}#mentions</c>).</summary>
    public IReadOnlyList<MentionEvidence> Mentions { get; private set; } = [];

    public int MentionTotal { get; private set; }

    /// <summary>No configured channel takes this watch at this severity: announcements reach nobody (decision 225).</summary>
    public bool NoChannel { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    /// <summary>When the silence just set ends (Unix seconds: TempData would read an ISO 8601 string back as a
    /// DateTime), shown after <see cref="Notice"/> as a local time like every other time on the page.</summary>
    [TempData]
    public string? SilencedUntil { get; set; }

    public DateTimeOffset? SilencedUntilAt => long.TryParse(SilencedUntil, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAcknowledgeAsync(long id, CancellationToken cancellationToken) =>
        await ChangeAsync(id, () => desk.AcknowledgeAsync(id, Who, cancellationToken), t["Acknowledged. The team sees that you are on it."], cancellationToken);

    public async Task<IActionResult> OnPostResolveAsync(long id, CancellationToken cancellationToken) =>
        await ChangeAsync(id, () => desk.ResolveAsync(id, Who, cancellationToken), t["Resolved."], cancellationToken);

    /// <summary>Silences the incident this alert belongs to (its watch and group, every rule), as POST /api/alerts/{id}/silence does.</summary>
    public async Task<IActionResult> OnPostSilenceAsync(long id, string? duration, string? reason, CancellationToken cancellationToken)
    {
        var choice = SilenceChoices.FirstOrDefault(c => c.Key == duration);
        if (choice.Key is null)
        {
            Problem = t["Choose how long to silence."];
            return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
        }

        Alert? alert;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        }

        if (alert is null)
        {
            return NotFound();
        }

        var until = clock.GetUtcNow() + choice.Span;
        await desk.SilenceAsync(new AlertSilence
        {
            // The incident's key (watch and group, every rule), exactly as the API's per-alert silence.
            WatchId = alert.WatchId,
            GroupKey = alert.GroupKey,
            AlertId = alert.Id,
            Until = until,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            CreatedBy = Who,
        }, cancellationToken);
        logger.LogInformation("{UserName} silenced incident {IncidentKey} until {Until} from the console", Who, alert.IncidentKey, until);
        Notice = t["Silenced until"].Value;
        SilencedUntil = until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Redirect($"/alerts/{id}");
    }

    private string Who => User.Identity?.Name ?? "unknown";

    /// <summary>
    /// Negative mentions in the window against the usual number per window. Both are counts: the rule's own measure (a
    /// ratio, a share, a z-score, a crisis score) and its threshold are not drawn beside them, since a bar of 3.2× next to a
    /// baseline of 3.75 mentions reads as "below the usual" when the window holds 12.
    /// </summary>
    private ChartView BuildWhyChart(double baseline)
    {
        (string Label, double Value, string Color)[] bars =
        [
            (t["Usual per window"], Math.Round(baseline, 2), "baseline"),
            (t["This window"], Alert.Count, "negative"),
        ];
        return new ChartView(
            "why",
            new ChartSpec { Labels = [.. bars.Select(b => b.Label)], Datasets = [.. bars.Select((b, i) => new ChartSeries(b.Label, [.. bars.Select((_, j) => j == i ? b.Value : 0)], b.Color))], Stacked = true },
            t["Negative mentions in the window against the usual number per window"],
            "why-chart",
            "small");
    }

    private async Task<IActionResult> ChangeAsync(long id, Func<Task<Alert?>> change, string done, CancellationToken cancellationToken)
    {
        try
        {
            if (await change() is null)
            {
                return NotFound();
            }

            Notice = done;
            return Redirect($"/alerts/{id}");
        }
        catch (InvalidOperationException ex)
        {
            // Someone else resolved it in the meantime: say so, show the current state.
            Problem = ex.Message;
            return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().Include(a => a.Signals).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
        {
            return false;
        }

        Alert = AlertView.From(alert, HttpContext.RequestServices.GetRequiredService<WatchNames>());
        NoChannel = HttpContext.RequestServices.GetRequiredService<SentimentWatch.Alerting.Notifications.NotificationChannels>()
            .Route(alert.WatchId, alert.IsOpen ? alert.Severity : alert.NotifiedSeverity).Count == 0;
        var now = clock.GetUtcNow();
        var silences = await db.Silences.AsNoTracking().Where(s => s.WatchId == alert.WatchId && s.Until > now).ToListAsync(cancellationToken);
        Silences = [.. silences.Where(s => s.Covers(alert, now)).Select(SilenceView.From)];
        // The incident's record: signals joining and clearing, notices, people's actions, lines from
        // other capabilities ("the last complaint case of this incident was resolved").
        Record = await db.Timeline.AsNoTracking().Where(e => e.AlertId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        // Every post of the incident, as GET /api/alerts/{id}/mentions lists them: pr reads them here, not in the analysts' search.
        var mentionLinks = db.AlertMentions.AsNoTracking().Where(m => m.AlertId == id);
        MentionTotal = await mentionLinks.CountAsync(cancellationToken);
        var shown = await mentionLinks.OrderByDescending(m => m.At).ThenBy(m => m.MentionId).Take(MentionsShown).Select(m => m.MentionId).ToListAsync(cancellationToken);
        var evidence = await db.Evidence.AsNoTracking().Where(e => e.WatchId == alert.WatchId && shown.Contains(e.MentionId)).ToDictionaryAsync(e => e.MentionId, cancellationToken);
        Mentions = [.. shown.Where(evidence.ContainsKey).Select(m => evidence[m])];

        WhyChart = Alert.Baseline is { } usual ? BuildWhyChart(usual) : null;

        // The watch's mentions from a day before the alert opened to now (or its resolution), by hour.
        var from = Alert.OpenedAt.AddHours(-24);
        var to = (Alert.ResolvedAt ?? now).AddHours(1);
        if (to - from > TimeSpan.FromDays(3))
        {
            from = to.AddDays(-3);
        }

        var stats = await index.StatsAsync(new MentionStatsRequest
        {
            Filter = new MentionFilter { Watch = Alert.Watch, From = from, To = to },
            Interval = StatsInterval.Hour,
            GroupBy = MentionGroupBy.Sentiment,
            TopN = 1,
            // Hours at a half-hour offset (India, +05:30) start at the reader's half hour.
            UtcOffset = ReaderOffset.Of(Request),
            TimeZone = ReaderOffset.ZoneOf(Request),
        }, cancellationToken);
        Timeline = new ChartView("timeline", ChartSpec.SentimentHistogram(stats.Histogram, StatsInterval.Hour, s => t[s].Value), t["Mentions of the watch by hour around the alert"], "alert-timeline");

        if (services.GetService<ICaseDirectory>() is { } cases)
        {
            HasCases = true;
            Cases = await cases.CasesForAlertAsync(id, cancellationToken);
        }

        return true;
    }
}
