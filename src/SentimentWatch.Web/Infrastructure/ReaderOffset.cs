using Microsoft.AspNetCore.Http;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The reader's UTC offset, which console.js keeps in the <c>sw-utc-offset</c> cookie (minutes east of UTC, as the
/// browser says now): the console's histograms cut day and week buckets at the reader's midnight, not UTC's (decision
/// 256). Before, a reader in Beijing got days cut at 08:00, and one in New York saw each day's bar under the day before.
/// A missing or malformed cookie is UTC; only what the stats API accepts as <c>utcOffset</c> is taken.
/// </summary>
public static class ReaderOffset
{
    public const string CookieName = "sw-utc-offset";

    public static TimeSpan Of(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var text)
        && int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var minutes)
        && Indexing.StatsBuckets.IsUtcOffset(TimeSpan.FromMinutes(minutes))
            ? TimeSpan.FromMinutes(minutes)
            : TimeSpan.Zero;
}
