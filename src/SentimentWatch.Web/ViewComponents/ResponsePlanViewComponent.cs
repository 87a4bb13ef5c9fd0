using Microsoft.AspNetCore.Mvc;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.ViewComponents;

/// <summary>
/// The alert page's response plan: the incident's playbook steps by due time, overdue ones
/// marked, with who ticked what when; people with the pr or admin role tick steps and checklist
/// items (posted to /alerts/{id}/steps/{step}, through the same <see cref="ResponsePlan"/> the API uses).
/// </summary>
public sealed class ResponsePlanViewComponent(ResponsePlan plan) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(long alertId)
    {
        var steps = await plan.ListAsync(alertId, HttpContext.RequestAborted);
        if (steps is null)
        {
            return Content(string.Empty);
        }

        var canTick = UserClaimsPrincipal.IsInRole("admin") || UserClaimsPrincipal.IsInRole("pr");
        return View(new ResponsePlanModel(steps, canTick));
    }
}

public sealed record ResponsePlanModel(StepList Plan, bool CanTick);
