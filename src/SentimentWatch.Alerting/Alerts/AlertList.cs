using Microsoft.EntityFrameworkCore;

namespace SentimentWatch.Alerting;

/// <summary>
/// The alert desk's list — one selection for <c>GET /api/alerts</c> and the console's alert desk,
/// so "open" means the same everywhere: firing or acknowledged, newest first, with signals.
/// </summary>
public static class AlertList
{
    /// <summary>The status filters, as the API and the console name them.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["open", "firing", "acknowledged", "resolved", "all"];

    /// <summary>Whether <paramref name="status"/> (case-insensitive; null or empty means all) is a known filter.</summary>
    public static bool IsKnownStatus(string? status) =>
        string.IsNullOrWhiteSpace(status) || Statuses.Contains(status.Trim().ToLowerInvariant());

    /// <summary>One page of alerts matching a known status filter and, optionally, a watch; with the total.</summary>
    public static async Task<(int Total, List<Alert> Items)> PageAsync(
        AlertingDbContext db, string? status, string? watch, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Alerts.AsNoTracking().Include(a => a.Signals).AsQueryable();
        query = status?.Trim().ToLowerInvariant() switch
        {
            "open" => query.Where(a => a.Status != AlertStatus.Resolved),
            "firing" => query.Where(a => a.Status == AlertStatus.Firing),
            "acknowledged" => query.Where(a => a.Status == AlertStatus.Acknowledged),
            "resolved" => query.Where(a => a.Status == AlertStatus.Resolved),
            null or "" or "all" => query,
            var other => throw new ArgumentOutOfRangeException(nameof(status), other, "not an alert status filter"),
        };

        if (!string.IsNullOrWhiteSpace(watch))
        {
            query = query.Where(a => a.WatchId == watch);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (total, items);
    }
}
