using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The browser's preferred language, by quality: any Chinese (zh, zh-CN, zh-TW, zh-Hans…) reads
/// the console in zh-CN, any English in en; the first of the two the browser names wins.
/// </summary>
internal sealed class BrowserLanguageProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var header = httpContext.Request.Headers.AcceptLanguage.ToString();
        if (string.IsNullOrWhiteSpace(header) || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var languages))
        {
            return NullProviderCultureResult;
        }

        foreach (var language in languages.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.ToString();
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult("zh-CN"));
            }

            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult("en"));
            }
        }

        return NullProviderCultureResult;
    }
}
