using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Web.Pages.Mentions;

/// <summary>One mention: what was said, its scores, and the open incidents it is evidence of (through Core's IAlertDirectory when alerting is present).</summary>
public sealed class DetailModel(IMentionIndex index, IServiceProvider services) : PageModel
{
    public Mention Mention { get; private set; } = null!;

    public IReadOnlyList<AlertLink> Alerts { get; private set; } = [];

    public IReadOnlyList<CaseLink> Cases { get; private set; } = [];

    public bool HasAlerting { get; private set; }

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

        return Page();
    }
}
