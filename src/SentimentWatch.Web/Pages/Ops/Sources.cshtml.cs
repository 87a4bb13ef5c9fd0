using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Crawling;

namespace SentimentWatch.Web.Pages.Ops;

/// <summary>Crawl health per source, from the same reader as GET /api/sources.</summary>
public sealed class SourcesModel(IServiceProvider services) : PageModel
{
    public IReadOnlyList<SourceHealth> Sources { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ISourceHealthReader>() is { } reader)
        {
            Sources = await reader.ListAsync(cancellationToken);
        }
    }
}
