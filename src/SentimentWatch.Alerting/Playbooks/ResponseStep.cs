using System.Text.Json;

namespace SentimentWatch.Alerting;

/// <summary>
/// One response step of one incident, copied from its playbook when the incident opened (or
/// escalated into a severity with a playbook), so the record keeps what was asked even if the
/// configuration changes later. Unique per incident and <see cref="StepId"/>.
/// </summary>
public sealed class ResponseStep
{
    public long Id { get; set; }
    public long AlertId { get; set; }

    /// <summary>The playbook's step id (<c>holding-statement</c>), also its address in the API.</summary>
    public required string StepId { get; set; }

    public required string PlaybookId { get; set; }

    /// <summary>The severity of the playbook that asked for it.</summary>
    public AlertSeverity Severity { get; set; }

    /// <summary>Position in its playbook (steps are shown by due time, then this).</summary>
    public int Position { get; set; }

    public required string Title { get; set; }
    public required string Owner { get; set; }

    /// <summary>Who the overdue reminder is addressed to (the owner unless configured).</summary>
    public string? Contact { get; set; }

    /// <summary>The incident's start plus the step's deadline.</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }

    /// <summary>Who ticked it (<c>ClaimsPrincipal.Identity.Name</c>).</summary>
    public string? DoneBy { get; set; }

    /// <summary>What the person said when ticking it (a link to the statement, …).</summary>
    public string? Note { get; set; }

    /// <summary>How often it was un-ticked; each reopening that runs late is reminded once more.</summary>
    public int ReopenCount { get; set; }

    /// <summary>Optimistic concurrency: every change adds one (ETag <c>"{alert}-{step}-{version}"</c>).</summary>
    public int Version { get; set; }

    /// <summary>The checklist with who ticked each item when, as JSON.</summary>
    public string ChecklistJson { get; set; } = "[]";

    public IReadOnlyList<ChecklistItem> Checklist
    {
        get => JsonSerializer.Deserialize<ChecklistItem[]>(ChecklistJson, Alert.Json) ?? [];
        set => ChecklistJson = JsonSerializer.Serialize(value, Alert.Json);
    }

    public bool IsDone => DoneAt is not null;
}

/// <summary>One checklist item of a step: what to check, and who ticked it when.</summary>
public sealed record ChecklistItem(string Text, DateTimeOffset? DoneAt = null, string? DoneBy = null);

/// <summary>
/// An overdue reminder for one step, recorded once per step and reopening cycle (unique) in the
/// same transaction as its timeline line, then handed to the staff notifier from this row (as the
/// SLA watch does with its signals, decision 062): a crash between the two re-sends it on the next
/// pass, and the notifier drops the repeat by <see cref="DedupKey"/>.
/// </summary>
public sealed class StepReminder
{
    public long Id { get; set; }
    public long StepRowId { get; set; }
    public long AlertId { get; set; }
    public int Cycle { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary><c>step-{alert}-{step}-overdue-{cycle}</c>.</summary>
    public required string DedupKey { get; set; }

    public required string Title { get; set; }
    public required string Text { get; set; }

    /// <summary>Joined by tabs.</summary>
    public string Recipients { get; set; } = "";

    public DateTimeOffset? NotifiedAt { get; set; }
    public string? LastError { get; set; }
}
