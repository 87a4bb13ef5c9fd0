using SentimentWatch.Cases.Domain;

namespace SentimentWatch.Cases.Workflow;

public enum CaseOutcomeKind
{
    Ok,
    NotFound,

    /// <summary>The change is not allowed in the case's state (409, with the allowed transitions).</summary>
    Conflict,

    /// <summary>The caller's If-Match is stale (412).</summary>
    Stale,

    /// <summary>A field of the request is wrong (400, naming the field).</summary>
    Invalid,
}

/// <summary>What a command on a case came to; the API maps it to a status code and problem details.</summary>
public sealed record CaseOutcome(CaseOutcomeKind Kind, Case? Case = null, string? Field = null, string? Message = null, IReadOnlyList<string>? Allowed = null)
{
    public static CaseOutcome Done(Case c) => new(CaseOutcomeKind.Ok, c);

    public static CaseOutcome Missing(long id) => new(CaseOutcomeKind.NotFound, Message: $"No case {id}.");

    /// <param name="allowed">The values the field may take, when they are a short list (the API adds them to the problem).</param>
    public static CaseOutcome Invalid(string field, string message, IReadOnlyList<string>? allowed = null) => new(CaseOutcomeKind.Invalid, Field: field, Message: message, Allowed: allowed);

    public static CaseOutcome Refused(Case c, string message, IReadOnlyList<string>? allowed = null) => new(CaseOutcomeKind.Conflict, c, Message: message, Allowed: allowed);

    public static CaseOutcome StaleVersion(Case c) => new(CaseOutcomeKind.Stale, c, Message: $"Case {c.Id} changed since you read it (now version {c.Version}); reload it and try again.");
}

/// <summary>
/// The states and the moves between them people may make with the <c>transition</c> command.
/// <c>assigned</c> is reached through assign/take; reopening is <c>resolved → in_progress</c>.
/// </summary>
public static class CaseTransitions
{
    private static readonly Dictionary<CaseStatus, CaseStatus[]> Allowed = new()
    {
        [CaseStatus.New] = [CaseStatus.InProgress, CaseStatus.WaitingOnCustomer, CaseStatus.Resolved],
        [CaseStatus.Assigned] = [CaseStatus.InProgress, CaseStatus.WaitingOnCustomer, CaseStatus.Resolved],
        [CaseStatus.InProgress] = [CaseStatus.WaitingOnCustomer, CaseStatus.Resolved],
        [CaseStatus.WaitingOnCustomer] = [CaseStatus.InProgress, CaseStatus.Resolved],
        [CaseStatus.Resolved] = [CaseStatus.InProgress, CaseStatus.Closed],
        [CaseStatus.Closed] = [],
    };

    public static IReadOnlyList<CaseStatus> From(Case c) => c.MergedIntoId is null ? Allowed[c.Status] : [];

    public static IReadOnlyList<string> WireFrom(Case c) => From(c).Select(CaseStatuses.ToWire).ToArray();

    public static bool CanMove(Case c, CaseStatus to) => From(c).Contains(to);
}
