using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>The alert desk for PR: open, acknowledged, resolved; new alerts appear by themselves (the list refreshes through <see cref="OnGetFragmentAsync"/>).</summary>
public sealed class IndexModel(IDbContextFactory<AlertingDbContext> dbs, IOptions<ConsoleOptions> options) : PageModel
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

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetFragmentAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_AlertList", this);
    }

    // The same selection as GET /api/alerts?status=…: open means firing or acknowledged, newest first.
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var query = db.Alerts.AsNoTracking();
        query = StatusKey switch
        {
            "open" => query.Where(a => a.Status != AlertStatus.Resolved),
            "acknowledged" => query.Where(a => a.Status == AlertStatus.Acknowledged),
            "resolved" => query.Where(a => a.Status == AlertStatus.Resolved),
            _ => query,
        };
        if (!string.IsNullOrWhiteSpace(Watch))
        {
            query = query.Where(a => a.WatchId == Watch);
        }

        Total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        Alerts = [.. rows.Select(a => AlertView.From(a, HttpContext.RequestServices.GetRequiredService<WatchNames>()))];
    }
}
