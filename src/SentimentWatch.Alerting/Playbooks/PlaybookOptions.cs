using System.Globalization;

namespace SentimentWatch.Alerting;

/// <summary>
/// A response playbook (舆情应急处置预案) for one watch (or <c>*</c>) and one severity: the ordered
/// steps a PR team takes when an incident of that severity opens, each with an owner and a
/// deadline counted from the incident's start. Configured under <c>Alerting:Playbooks</c>.
/// </summary>
public sealed class ResponsePlaybookOptions
{
    /// <summary>Stable id, shown on the steps it created (e.g. <c>lumo-critical</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Watch id, or <c>*</c> for every watch without a playbook of its own at that severity.</summary>
    public string Watch { get; set; } = "";

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>: the incident severity this plan answers.</summary>
    public string Severity { get; set; } = "critical";

    public List<ResponseStepOptions> Steps { get; set; } = [];
}

/// <summary>One step of a playbook, e.g. "发布情况说明 / holding statement" by the PR lead within 1 h.</summary>
public sealed class ResponseStepOptions
{
    /// <summary>Stable id within the incident (<c>holding-statement</c>); a step with the same id in a stronger playbook is the same step.</summary>
    public string Id { get; set; } = "";

    /// <summary>What to do, as the team says it (bilingual is fine: "发布情况说明 / holding statement").</summary>
    public string Title { get; set; } = "";

    /// <summary>Who owns it: a role ("PR lead 公关负责人") or a person.</summary>
    public string Owner { get; set; } = "";

    /// <summary>Where the overdue reminder is addressed (an e-mail address is mailed by the e-mail channel); defaults to <see cref="Owner"/>.</summary>
    public string? Contact { get; set; }

    /// <summary>Deadline counted from the incident's start, e.g. <c>01:00:00</c> for "within 1 h".</summary>
    public TimeSpan Due { get; set; }

    /// <summary>Optional checklist the owner ticks ("法务审阅 / legal review", …).</summary>
    public List<string> Checklist { get; set; } = [];
}

/// <summary>Checks <c>Alerting:Playbooks</c>; part of <see cref="AlertingOptionsValidator"/>, so every failure is reported at once.</summary>
internal static class PlaybookValidation
{
    public const int MaxSteps = 30;
    public const int MaxChecklistItems = 20;
    public const int MaxText = 300;
    public static readonly TimeSpan MaxDue = TimeSpan.FromDays(30);

    public static void Validate(AlertingOptions options, List<string> failures)
    {
        const string s = AlertingOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ResponseStepCheckCron) || options.ResponseStepCheckCron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is not (5 or 6))
        {
            failures.Add($"{s}:ResponseStepCheckCron '{options.ResponseStepCheckCron}' is not a cron expression (5 fields, e.g. '* * * * *')");
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var scopes = new Dictionary<(string Watch, AlertSeverity Severity), string>();
        for (var i = 0; i < options.Playbooks.Count; i++)
        {
            var playbook = options.Playbooks[i];
            var p = $"{s}:Playbooks:{i}";
            if (string.IsNullOrWhiteSpace(playbook.Id))
            {
                failures.Add($"{p}:Id must name the playbook");
            }
            else if (!ids.Add(playbook.Id.Trim()))
            {
                failures.Add($"{p}:Id '{playbook.Id}' is used by another playbook");
            }

            if (string.IsNullOrWhiteSpace(playbook.Watch))
            {
                failures.Add($"{p}:Watch must name a watch id or be '*'");
            }

            if (!AlertSeverities.TryParse(playbook.Severity, out var severity))
            {
                failures.Add($"{p}:Severity '{playbook.Severity}' is not one of info, warning, critical");
            }
            else if (!string.IsNullOrWhiteSpace(playbook.Watch))
            {
                var scope = (playbook.Watch.Trim().ToLowerInvariant(), severity);
                if (scopes.TryGetValue(scope, out var other))
                {
                    failures.Add($"{p}: watch '{playbook.Watch}' already has a {severity.ToWire()} playbook ('{other}'); one playbook per watch and severity");
                }
                else
                {
                    scopes[scope] = playbook.Id;
                }
            }

            if (playbook.Steps.Count == 0)
            {
                failures.Add($"{p}:Steps must list at least one response step");
            }
            else if (playbook.Steps.Count > MaxSteps)
            {
                failures.Add($"{p}:Steps lists {playbook.Steps.Count} steps; at most {MaxSteps}");
            }

            var stepIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < playbook.Steps.Count; j++)
            {
                var step = playbook.Steps[j];
                var sp = $"{p}:Steps:{j}";
                if (string.IsNullOrWhiteSpace(step.Id))
                {
                    failures.Add($"{sp}:Id must name the step (e.g. 'holding-statement')");
                }
                else if (!IsStepId(step.Id))
                {
                    failures.Add($"{sp}:Id '{step.Id}' may hold only letters, digits, '-' and '_' (at most 64), since it appears in URLs");
                }
                else if (!stepIds.Add(step.Id))
                {
                    failures.Add($"{sp}:Id '{step.Id}' is used by another step of this playbook");
                }

                if (string.IsNullOrWhiteSpace(step.Title) || step.Title.Length > MaxText)
                {
                    failures.Add($"{sp}:Title must say what to do (1 to {MaxText} characters)");
                }

                if (string.IsNullOrWhiteSpace(step.Owner) || step.Owner.Length > 200)
                {
                    failures.Add($"{sp}:Owner must name a role or a person (1 to 200 characters)");
                }

                if (step.Contact is { Length: > 200 })
                {
                    failures.Add($"{sp}:Contact must be at most 200 characters");
                }

                if (step.Due <= TimeSpan.Zero || step.Due > MaxDue)
                {
                    failures.Add($"{sp}:Due must be after the incident's start and within 30 days, e.g. '01:00:00' for 1 h (was {step.Due.ToString("c", CultureInfo.InvariantCulture)})");
                }

                if (step.Checklist.Count > MaxChecklistItems)
                {
                    failures.Add($"{sp}:Checklist lists {step.Checklist.Count} items; at most {MaxChecklistItems}");
                }

                for (var k = 0; k < step.Checklist.Count; k++)
                {
                    if (string.IsNullOrWhiteSpace(step.Checklist[k]) || step.Checklist[k].Length > MaxText)
                    {
                        failures.Add($"{sp}:Checklist:{k} must say what to check (1 to {MaxText} characters)");
                    }
                }
            }
        }
    }

    public static bool IsStepId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
