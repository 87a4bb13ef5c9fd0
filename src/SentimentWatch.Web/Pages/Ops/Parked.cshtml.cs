using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Web.Pages.Ops;

/// <summary>Mentions the pipeline could not process, with the reason, and requeue — the ledger calls behind /api/pipeline/parked.</summary>
public sealed class ParkedModel(MentionLedger ledger, IStringLocalizer<ConsoleText> t, ILogger<ParkedModel> logger) : PageModel
{
    public IReadOnlyList<ParkedMention> Parked { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Parked = await ledger.ListParkedAsync(500, cancellationToken);

    public async Task<IActionResult> OnPostRequeueAsync(string id, CancellationToken cancellationToken)
    {
        if (!await ledger.RequeueAsync(id, cancellationToken))
        {
            return NotFound();
        }

        logger.LogInformation("{UserName} requeued parked mention {MentionId} from the console", User.Identity?.Name, id);
        Notice = t["Requeued {0}; the pipeline will try it again.", id].Value;
        return Redirect("/ops/parked");
    }
}
