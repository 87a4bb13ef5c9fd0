using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>
/// Ticks from the alert page's response plan: a step done or reopened, a checklist item ticked
/// or unticked, through the same <see cref="ResponsePlan"/> as <c>PUT /api/alerts/{id}/steps/…</c>
/// (audited with the signed-in user's name); then back to the alert page.
/// </summary>
public sealed class StepsModel(ResponsePlan plan, IStringLocalizer<ConsoleText> t) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    public IActionResult OnGet(long id) => Redirect($"/alerts/{id}#response-plan");

    public async Task<IActionResult> OnPostAsync(long id, string step, bool done, int? item, string? note, CancellationToken cancellationToken)
    {
        var who = User.Identity?.Name ?? "unknown";
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > ResponsePlan.MaxNote })
        {
            note = note[..ResponsePlan.MaxNote];
        }

        var change = item is { } number
            ? await plan.SetChecklistItemAsync(id, step, number, done, null, who, cancellationToken)
            : await plan.SetDoneAsync(id, step, done, note, null, who, cancellationToken);
        if (change.Kind == StepChangeKind.NotFound)
        {
            return NotFound();
        }

        if (change.Step is { } s && item is null && change.Changed)
        {
            Notice = done ? t["Step done: {0}", s.Title].Value : t["Step reopened: {0}", s.Title].Value;
        }

        return Redirect($"/alerts/{id}#response-plan");
    }
}
