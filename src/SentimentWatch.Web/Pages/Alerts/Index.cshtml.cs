using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>
/// The alert desk for PR: open, acknowledged, resolved; new alerts appear by themselves (the list
/// refreshes through <see cref="OnGetFragmentAsync"/>); the silences in force, each liftable.
/// </summary>
public sealed class IndexModel(
    IDbContextFactory<AlertingDbContext> dbs,
    IncidentDesk desk,
    WatchNames names,
    IOptions<ConsoleOptions> options,
    IStringLocalizer<ConsoleText> t,
    ILogger<IndexModel> logger) : PageModel
{
    public const int PageSize = 50;

    public static readonly string[] Statuses = ["open", "acknowledged", "resolved", "all"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Watch { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public string StatusKey => Statuses.Contains(Status) ? Status! : "open";

    public int Total { get; private set; }

    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];

    public int RefreshSeconds => (int)options.Value.RefreshInterval.TotalSeconds;

    public IReadOnlyList<SilenceView> Silences { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Silences = [.. (await desk.ActiveSilencesAsync(cancellationToken)).Select(SilenceView.From)];
    }

    /// <summary>Lifts a silence now, as DELETE /api/alerts/silences/{id}; back to the desk or to the alert page it was lifted from.</summary>
    public async Task<IActionResult> OnPostLiftAsync(long silenceId, string? back, CancellationToken cancellationToken)
    {
        var who = User.Identity?.Name ?? "unknown";
        var lifted = await desk.LiftSilenceAsync(silenceId, who, cancellationToken);
        if (lifted)
        {
            logger.LogInformation("{UserName} lifted silence {SilenceId} from the console", who, silenceId);
        }

        Notice = lifted ? t["Silence lifted."].Value : t["That silence had already ended."].Value;
        // Only back to a console alert page: a form field must not become an open redirect.
        return LocalRedirect(back is { Length: > 0 } && back.StartsWith("/alerts", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/alerts#silences");
    }

    public async Task<IActionResult> OnGetFragmentAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_AlertList", this);
    }

    // The same selection as GET /api/alerts?status=… (one query for both: AlertList).
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var (total, rows) = await AlertList.PageAsync(db, StatusKey, Watch, PageNumber, PageSize, cancellationToken);
        Total = total;
        Alerts = [.. rows.Select(a => AlertView.From(a, names))];
    }
}
