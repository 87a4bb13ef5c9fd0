using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>Someone whose password was set by another person sees only the password form until they choose their own.</summary>
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
            context.Result = new RedirectResult("/account/password");
            return;
        }

        await next();
    }
}
