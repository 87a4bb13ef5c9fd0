using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Alerting;

/// <summary>
/// The Hangfire dashboard shows notification payloads (mention excerpts), so it is for
/// authenticated users in role <c>admin</c> or <c>pr</c> only; anyone else gets 401/403.
/// </summary>
public sealed class AlertingDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.Identity?.IsAuthenticated == true && (user.IsInRole(ApiRoles.Admin) || user.IsInRole(ApiRoles.Pr));
    }
}

public static class AlertingDashboardExtensions
{
    public const string DefaultPath = "/hangfire";

    public static DashboardOptions DashboardOptions() => new()
    {
        Authorization = [new AlertingDashboardAuthorizationFilter()],
        DashboardTitle = "SentimentWatch alert deliveries",
        // People reach the dashboard through a console session (a cookie), so its buttons (trigger, requeue, delete) are
        // protected like the console's forms: Hangfire puts the antiforgery token in the page and its scripts send it back;
        // a POST without it (a forged one from another page, or a script) is refused with 403.
        IgnoreAntiforgeryToken = false,
    };

    /// <summary>Maps the Hangfire dashboard behind <see cref="AlertingDashboardAuthorizationFilter"/>.</summary>
    public static IEndpointConventionBuilder MapAlertingDashboard(this IEndpointRouteBuilder app, string pattern = DefaultPath) =>
        app.MapHangfireDashboard(pattern, DashboardOptions());

    /// <summary>Middleware form of <see cref="MapAlertingDashboard"/>; call after UseAuthentication.</summary>
    public static IApplicationBuilder UseAlertingDashboard(this IApplicationBuilder app, string pathMatch = DefaultPath) =>
        app.UseHangfireDashboard(pathMatch, DashboardOptions());
}
