using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// Someone whose password was set by another person sees only the password form until they choose their own, and is then
/// taken where they were going (an alert link a new PR user clicked first must still open the alert).
/// </summary>
internal sealed class MustChangePasswordFilter : IAsyncPageFilter
{
    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "/Account/Password", "/Account/SignOut", "/Account/SignIn", "/Account/Language", "/Account/Denied", "/Error",
    };

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.User.HasClaim(ConsoleClaimsPrincipalFactory.MustChangePasswordClaim, "true")
            && !Allowed.Contains(context.ActionDescriptor.ViewEnginePath))
        {
            context.Result = new RedirectResult(PasswordPath(context.HttpContext.Request));
            return;
        }

        await next();
    }

    /// <summary>The password form, with the page asked for (path and query, this site only) to return to after it.</summary>
    public static string PasswordPath(HttpRequest request)
    {
        var target = request.PathBase + request.Path + request.QueryString;
        return target is "/" or "" ? "/account/password" : "/account/password?returnUrl=" + Uri.EscapeDataString(target);
    }
}
