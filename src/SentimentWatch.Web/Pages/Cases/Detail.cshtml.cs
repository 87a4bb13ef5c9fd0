using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Workflow;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// One complaint case: its mentions, the conversation, notes, audit trail and SLA clocks, and
/// every command support staff have, through the same CaseDesk as /api/cases. Each form carries
/// the version it was read at, so two agents never overwrite each other silently (as If-Match).
/// </summary>
public sealed class DetailModel(CaseQueries queries, CaseDesk desk, IOptionsMonitor<CasesOptions> options, IStringLocalizer<ConsoleText> t) : PageModel
{
    public CaseDetail Detail { get; private set; } = null!;

    public IReadOnlyList<AgentSettings> Agents => options.CurrentValue.Agents;

    public IReadOnlyList<string> RootCauses => options.CurrentValue.RootCauses;

    /// <summary>Categories staff can choose: those the desk accepts for the case's watch (its taxonomy, the default one, teams' and agents'), and the case's own.</summary>
    public IReadOnlyList<string> Categories =>
        desk.CategoriesFor(Detail.Case.Watch)
            .Append(Detail.Case.Category)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public bool CanWork => User.IsInRole("admin") || User.IsInRole("support");

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostTakeAsync(long id, int version, CancellationToken ct) =>
        RunAsync(id, () => desk.TakeAsync(id, version, Who, ct), t["You own this case now."], ct);

    public Task<IActionResult> OnPostAssignAsync(long id, int version, string? agent, CancellationToken ct) =>
        RunAsync(id, () => desk.AssignAsync(id, version, agent ?? string.Empty, Who, ct), t["Assigned."], ct);

    public Task<IActionResult> OnPostTransitionAsync(long id, int version, string? to, string? summary, string? rootCause, string? reason, CancellationToken ct) =>
        RunAsync(id, () => desk.TransitionAsync(id, version, to ?? string.Empty, summary, rootCause, reason, Who, ct), t["Status changed."], ct);

    public Task<IActionResult> OnPostNoteAsync(long id, string? text, CancellationToken ct) =>
        RunAsync(id, () => desk.AddNoteAsync(id, null, text ?? string.Empty, Who, ct), t["Note added."], ct);

    public Task<IActionResult> OnPostReplyAsync(long id, string? text, string? channel, CancellationToken ct) =>
        RunAsync(id, () => desk.ReplyAsync(id, null, text ?? string.Empty, channel, null, Who, ct), t["Reply recorded."], ct);

    public Task<IActionResult> OnPostMergeAsync(long id, int version, long? into, CancellationToken ct) =>
        RunAsync(id, () => desk.MergeAsync(id, version, into, Who, ct), t["Merged."], ct);

    /// <summary>Category and/or priority changed with a recorded reason, as POST /api/cases/{id}/override; an unchanged field is not sent.</summary>
    public Task<IActionResult> OnPostOverrideAsync(long id, int version, string? category, string? priority, string? currentCategory, string? currentPriority, string? reason, CancellationToken ct) =>
        RunAsync(id, () => desk.OverrideAsync(id, version,
            category == currentCategory ? null : category,
            priority == currentPriority ? null : priority,
            reason, Who, ct), t["Override recorded."], ct);

    public Task<IActionResult> OnPostSatisfactionAsync(long id, int version, int? score, string? comment, CancellationToken ct) =>
        RunAsync(id, () => desk.RecordSatisfactionAsync(id, version, score, comment, Who, ct), t["Satisfaction recorded."], ct);

    private string Who => User.Identity?.Name ?? "unknown";

    private async Task<IActionResult> RunAsync(long id, Func<Task<CaseOutcome>> command, string done, CancellationToken cancellationToken)
    {
        if (!CanWork)
        {
            return Forbid();
        }

        var outcome = await command();
        switch (outcome.Kind)
        {
            case CaseOutcomeKind.Ok:
                Notice = done;
                return Redirect($"/cases/{id}");
            case CaseOutcomeKind.NotFound:
                return NotFound();
            case CaseOutcomeKind.Stale:
                Problem = t["Someone changed this case since you opened it. Here it is as it is now; try again."];
                break;
            default:
                Problem = outcome.Field is null ? outcome.Message : $"{outcome.Field}: {outcome.Message}";
                break;
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(id, CasesApi.Viewer(User, options.CurrentValue), cancellationToken);
        if (detail is null)
        {
            return false;
        }

        Detail = detail;
        return true;
    }
}
