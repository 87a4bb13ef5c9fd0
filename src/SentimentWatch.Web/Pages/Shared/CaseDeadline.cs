using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Web.Pages.Shared;

/// <summary>
/// A case's SLA state in a list of cases (the queue, an incident's cases, a mention's case), rendered by
/// <c>_CaseDeadline.cshtml</c>: breached or not, paused, and the running clock that falls due first, named.
/// Both sources take that clock from <c>Case.NextDeadline</c>, so every list shows the same deadline.
/// </summary>
public sealed record CaseDeadline(bool Breached, bool Paused, string? Clock, DateTimeOffset? DueAt)
{
    public static CaseDeadline Of(CaseSummary c) => new(c.Breached, c.Paused, c.DueClock, c.DueAt);

    public static CaseDeadline Of(CaseLink c) => new(c.Breached, c.Paused, c.DueClock, c.DueAt);
}
