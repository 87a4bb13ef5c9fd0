using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Workflow;

namespace SentimentWatch.Web.ViewComponents;

/// <summary>The overview's case backlog: open cases by priority and how many breached their SLA (nothing in a host without cases).</summary>
public sealed class CaseBacklogViewComponent(IServiceProvider services) : ViewComponent
{
    public const int Limit = CaseQueries.MaxPageSize;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (services.GetService<CaseQueries>() is not { } queries)
        {
            return Content(string.Empty);
        }

        var options = services.GetRequiredService<IOptionsMonitor<CasesOptions>>().CurrentValue;
        var page = await queries.ListAsync(new CaseFilter(), CasesApi.Viewer(UserClaimsPrincipal, options), Limit, null, HttpContext.RequestAborted);
        return View(new CaseBacklog(
            page.Items.Count,
            page.NextCursor is not null,
            page.Items.Count(c => c.Breached),
            page.Items.GroupBy(c => c.Priority).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).ToArray(),
            page.Items.Where(c => c.Breached).Take(5).ToArray()));
    }
}

public sealed record CaseBacklog(int Open, bool More, int Breached, IReadOnlyList<(string Priority, int Count)> ByPriority, IReadOnlyList<CaseSummary> TopBreached);
