using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// Where a person whose only role is support lands (decision 235): their own open cases when they own any,
/// otherwise the open queue, where unowned and colleagues' cases wait. The overview stays at <see cref="OverviewPath"/>.
/// </summary>
public static class SupportLanding
{
    /// <summary>The overview's second address, for those whom <c>/</c> sends to their queue.</summary>
    public const string OverviewPath = "/overview";

    public static bool IsSupportOnly(ClaimsPrincipal user) =>
        user.IsInRole(ApiRoles.Support) && ApiRoles.All.Where(r => r != ApiRoles.Support).All(r => !user.IsInRole(r));

    /// <summary>The queue to send <paramref name="user"/> to, or null when they land on the overview like everyone else.</summary>
    public static async Task<string?> QueueForAsync(ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!IsSupportOnly(user) || services.GetService<ConsoleFeatures>() is not { Cases: true } || services.GetService<CaseQueries>() is not { } queries)
        {
            return null;
        }

        if (user.Identity?.Name is not { Length: > 0 } name)
        {
            return "/cases";
        }

        var options = services.GetRequiredService<IOptionsMonitor<CasesOptions>>().CurrentValue;
        var mine = await queries.ListAsync(new CaseFilter { Owner = name }, CasesApi.Viewer(user, options), 1, null, cancellationToken);
        return mine.Items.Count > 0 ? "/cases?mine=true" : "/cases";
    }
}
