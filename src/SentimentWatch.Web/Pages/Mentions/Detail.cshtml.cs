using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Web.Pages.Mentions;

/// <summary>
/// One mention: what was said, its scores, the open incidents it is evidence of and the complaint
/// case it is on (through Core's IAlertDirectory and ICaseDirectory, when the host has those capabilities).
/// </summary>
public sealed class DetailModel(IMentionIndex index, IServiceProvider services) : PageModel
{
    public Mention Mention { get; private set; } = null!;

    public IReadOnlyList<AlertLink> Alerts { get; private set; } = [];

    public IReadOnlyList<CaseLink> Cases { get; private set; } = [];

    public bool HasAlerting { get; private set; }

    public bool HasCases { get; private set; }

    /// <summary>Case pages are for support and admin; others see the case's number and state without a link.</summary>
    public bool CanOpenCases => User.IsInRole(Core.Security.ApiRoles.Support) || User.IsInRole(Core.Security.ApiRoles.Admin);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await index.GetAsync(id, cancellationToken) is not { } mention)
        {
            return NotFound();
        }

        Mention = mention;
        if (services.GetService<IAlertDirectory>() is { } alerts)
        {
            HasAlerting = true;
            Alerts = await alerts.OpenAlertsForMentionsAsync([mention.Id], cancellationToken);
        }

        if (services.GetService<ICaseDirectory>() is { } cases)
        {
            HasCases = true;
            Cases = await cases.CasesForMentionAsync(mention.Id, cancellationToken);
        }

        return Page();
    }
}
