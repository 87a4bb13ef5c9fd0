using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Cases.Workflow;

/// <summary>The cases an incident produced, for the alert's view (implements the Core port).</summary>
public sealed class CaseDirectory(IDbContextFactory<CasesDbContext> dbs, TimeProvider clock, IOptionsMonitor<CasesOptions>? options = null) : ICaseDirectory
{
    public async Task<IReadOnlyList<CaseLink>> CasesForAlertAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var cases = await db.AlertLinks.Where(l => l.AlertId == alertId)
            .Join(db.Cases.Where(c => c.MergedIntoId == null), l => l.CaseId, c => c.Id, (l, c) => c)
            .AsNoTracking()
            .OrderBy(c => c.Priority).ThenBy(c => c.DueKey).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
        return Links(cases);
    }

    public async Task<IReadOnlyList<CaseLink>> CasesForMentionAsync(string mentionId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(mentionId))
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // A merge moves the mention rows to the survivor, so the row's case is the living one.
        var cases = await db.Mentions.Where(m => m.MentionId == mentionId)
            .Join(db.Cases, m => m.CaseId, c => c.Id, (m, c) => c)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return Links(cases);
    }

    private List<CaseLink> Links(List<Case> cases)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var settings = options?.CurrentValue ?? new CasesOptions();
        return cases.Select(Link).ToList();

        CaseLink Link(Case c)
        {
            // The same deadline the support queue shows for the case (CaseQueries.Summarize).
            var deadline = c.NextDeadline();
            return new CaseLink(
                c.Id,
                c.Title,
                CaseStatuses.ToWire(c.Status),
                CasePriority.ToWire(c.Priority),
                c.Owner,
                c.FirstResponseBreached || c.ResolutionBreached || c.DueKey <= now,
                c.ResolutionDueAt)
            {
                DueClock = deadline?.Clock,
                DueAt = deadline?.DueAt,
                Paused = c.IsOpen && c.IsPaused,
                OwnerName = settings.PersonName(c.Owner),
            };
        }
    }
}
