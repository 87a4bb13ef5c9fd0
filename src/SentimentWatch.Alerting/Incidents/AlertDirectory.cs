using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

/// <summary>
/// <see cref="IAlertDirectory"/> for other capabilities (complaint cases): which open incidents a
/// set of mentions is evidence of (from the incident's recorded mentions), one incident, and a
/// line on its timeline.
/// </summary>
public sealed class AlertDirectory(
    IDbContextFactory<AlertingDbContext> dbs,
    WatchNames watchNames,
    IncidentDesk desk,
    TimeProvider clock,
    ILogger<AlertDirectory> logger) : IAlertDirectory
{
    /// <summary>SQLite binds at most 32,766 parameters; a few hundred ids a query is plenty.</summary>
    private const int IdsPerQuery = 500;

    public const int MaxTimelineText = 2000;

    public IReadOnlyList<string> RiskTermsIn(Core.Mentions.Mention mention) => desk.RiskTermsIn(mention);

    public async Task<IReadOnlyList<AlertLink>> OpenAlertsForMentionsAsync(IReadOnlyCollection<string> mentionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mentionIds);
        var ids = mentionIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var found = new Dictionary<long, Alert>();
        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            var alerts = await db.Alerts.AsNoTracking().Include(a => a.Signals)
                .Where(a => a.Status != AlertStatus.Resolved && db.AlertMentions.Any(m => m.AlertId == a.Id && chunk.Contains(m.MentionId)))
                .ToListAsync(cancellationToken);
            foreach (var alert in alerts)
            {
                found[alert.Id] = alert;
            }
        }

        return found.Values.OrderBy(a => a.Id).Select(ToLink).ToArray();
    }

    /// <summary>One query per chunk of ids (the complaint intake asked once per mention while an incident was open).</summary>
    public async Task<IReadOnlyDictionary<string, long[]>> OpenAlertIdsByMentionAsync(IReadOnlyCollection<string> mentionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mentionIds);
        var ids = mentionIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToArray();
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return result;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            var pairs = await db.AlertMentions.AsNoTracking()
                .Where(m => chunk.Contains(m.MentionId) && db.Alerts.Any(a => a.Id == m.AlertId && a.Status != AlertStatus.Resolved))
                .Select(m => new { m.MentionId, m.AlertId })
                .ToListAsync(cancellationToken);
            foreach (var byMention in pairs.GroupBy(p => p.MentionId, StringComparer.Ordinal))
            {
                result[byMention.Key] = byMention.Select(p => p.AlertId).Distinct().Order().ToArray();
            }
        }

        return result;
    }

    public async Task<AlertLink?> FindAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().Include(a => a.Signals).SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        return alert is null ? null : ToLink(alert);
    }

    public async Task RecordOnTimelineAsync(long alertId, string actor, string text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("a timeline line needs text", nameof(text));
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Alerts.AnyAsync(a => a.Id == alertId, cancellationToken))
        {
            // The caller's record is still right; there is just no incident to put it on (e.g. pruned).
            logger.LogWarning("Timeline line from {Actor} for unknown alert {AlertId} dropped: {Text}", actor, alertId, text);
            return;
        }

        text = text.Trim();
        db.Timeline.Add(new AlertTimelineEntry
        {
            AlertId = alertId,
            At = clock.GetUtcNow(),
            Actor = string.IsNullOrWhiteSpace(actor) ? AlertTimelineEntry.SystemActor : actor.Trim(),
            Kind = TimelineKinds.Note,
            Text = text.Length <= MaxTimelineText ? text : text[..MaxTimelineText] + "…",
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private AlertLink ToLink(Alert alert) =>
        new(alert.Id, alert.WatchId, alert.Title(watchNames.Of(alert.WatchId)), alert.Severity.ToWire(), alert.Status.ToString().ToLowerInvariant(), alert.OpenedAt, alert.ResolvedAt,
            alert.Title(watchNames.Of(alert.WatchId), chinese: true));
}
