using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// What a person sees when a page fails or does not exist: a page in their language saying what
/// happened and what to do, with a reference to quote — never a stack trace. The API keeps its
/// problem details (these handlers step aside for /api, /openapi, /health and /hangfire).
/// </summary>
public sealed class ConsoleErrorPages(IServiceProvider services) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsForPeople(httpContext))
        {
            return false;
        }

        // The exception handler middleware has logged the exception with the request's trace id.
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await WriteAsync(httpContext, StatusCodes.Status500InternalServerError);
        return true;
    }

    public void Wrap(StatusCodePagesOptions options)
    {
        var fallback = options.HandleAsync;
        options.HandleAsync = context => IsForPeople(context.HttpContext) && context.HttpContext.Response.StatusCode >= 400
            ? WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode)
            : fallback(context);
    }

    private static bool IsForPeople(HttpContext context) =>
        !ConsoleRegistration.IsApiRequest(context.Request) && !context.Request.Path.StartsWithSegments("/hangfire");

    private async Task WriteAsync(HttpContext context, int status)
    {
        var culture = CultureOf(context);
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var t = services.GetRequiredService<IStringLocalizer<ConsoleText>>();
            var assets = services.GetRequiredService<ConsoleAssets>();
            var (title, advice) = status switch
            {
                StatusCodes.Status400BadRequest => (t["The request could not be accepted"], t["The form may have expired or been sent from another site. Go back, reload the page and try again."]),
                StatusCodes.Status403Forbidden => (t["You do not have access to this page"], t["Ask an admin for the role this page needs."]),
                StatusCodes.Status404NotFound => (t["Page not found"], t["The address may be mistyped, or the item was removed."]),
                >= 500 => (t["Something went wrong on our side"], t["The error was logged. Try again in a moment; if it keeps happening, give an admin this reference."]),
                _ => (t["The request could not be completed"], t["Go back and try again."]),
            };
            var reference = context.TraceIdentifier;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            var html = $"""
                <!doctype html>
                <html lang="{culture.Name}">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{WebUtility.HtmlEncode(title)} · SentimentWatch</title>
                <link rel="stylesheet" href="{assets.Url("console.css")}"></head>
                <body class="error-page"><main id="main" class="error-box">
                <p class="error-code">{status}</p>
                <h1>{WebUtility.HtmlEncode(title)}</h1>
                <p>{WebUtility.HtmlEncode(advice)}</p>
                <p class="muted">{WebUtility.HtmlEncode(t["Reference"])}: <code>{WebUtility.HtmlEncode(reference)}</code></p>
                <p><a class="button" href="/">{WebUtility.HtmlEncode(t["Back to the overview"])}</a></p>
                </main></body></html>
                """;
            await context.Response.WriteAsync(html, context.RequestAborted);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>The request's culture as the console would pick it (these handlers run before request localization).</summary>
    private static CultureInfo CultureOf(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(ConsoleRegistration.LanguageCookie, out var cookie)
            && CookieRequestCultureProvider.ParseCookieValue(cookie) is { } chosen && chosen.UICultures.Count > 0)
        {
            var name = chosen.UICultures[0].Value;
            if (ConsoleRegistration.Cultures.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                return CultureInfo.GetCultureInfo(name!);
            }
        }

        var header = context.Request.Headers.AcceptLanguage.ToString();
        var zh = header.IndexOf("zh", StringComparison.OrdinalIgnoreCase);
        var en = header.IndexOf("en", StringComparison.OrdinalIgnoreCase);
        return zh >= 0 && (en < 0 || zh < en) ? CultureInfo.GetCultureInfo("zh-CN") : CultureInfo.GetCultureInfo("en");
    }
}
