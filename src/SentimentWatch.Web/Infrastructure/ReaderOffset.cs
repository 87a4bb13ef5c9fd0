using Microsoft.AspNetCore.Http;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The reader's UTC offset, which console.js keeps in the <c>sw-utc-offset</c> cookie (minutes east of UTC, as the
/// browser says now): the console's histograms cut day and week buckets at the reader's midnight, not UTC's (decision
/// 256). Before, a reader in Beijing got days cut at 08:00, and one in New York saw each day's bar under the day before.
/// A missing or malformed cookie is UTC; only what the stats API accepts as <c>utcOffset</c> is taken.
/// </summary>
/// <remarks>
/// console.js also keeps the browser's IANA zone in <c>sw-time-zone</c>, and <see cref="ZoneOf"/> reads it: a zone
/// follows daylight saving, so over a range that spans a clock change the days on the far side start at local
/// midnight too (decision 259). The stats prefer the zone when there is one; the offset is what is left without it.
/// </remarks>
public static class ReaderOffset
{
    public const string CookieName = "sw-utc-offset";

    public const string ZoneCookieName = "sw-time-zone";

    /// <summary>The reader's zone, or null when the cookie is missing or names no zone the stats take (<see cref="Core.Mentions.QueryTime.TryFindZone"/>).</summary>
    public static TimeZoneInfo? ZoneOf(HttpRequest request) =>
        request.Cookies.TryGetValue(ZoneCookieName, out var id)
        && Core.Mentions.QueryTime.TryFindZone(id, out var zone)
            ? zone
            : null;

    /// <summary>
    /// The zone the reader's typed dates are read in (decision 260): the browser's zone, else its offset, else null (UTC).
    /// </summary>
    public static TimeZoneInfo? DatesZone(HttpRequest request) =>
        ZoneOf(request) ?? (Of(request) is var offset && offset != TimeSpan.Zero ? Core.Mentions.QueryTime.Fixed(offset) : null);

    /// <summary>
    /// The parameter that makes an API link read dates as this page did: <c>timeZone</c> or <c>utcOffset</c> from the
    /// cookies, or null when the query names its own zone or the reader reads in UTC.
    /// </summary>
    public static (string Name, string Value)? DatesParameter(HttpRequest request)
    {
        // Read as the parameter reader reads them: an empty value is no value (and the link drops it).
        if (!string.IsNullOrWhiteSpace(request.Query["timeZone"]) || !string.IsNullOrWhiteSpace(request.Query["utcOffset"]))
        {
            return null;
        }

        if (ZoneOf(request) is { } zone)
        {
            return ("timeZone", zone.Id);
        }

        var offset = Of(request);
        return offset == TimeSpan.Zero
            ? null
            : ("utcOffset", (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TimeSpan Of(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var text)
        && int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var minutes)
        && Indexing.StatsBuckets.IsUtcOffset(TimeSpan.FromMinutes(minutes))
            ? TimeSpan.FromMinutes(minutes)
            : TimeSpan.Zero;
}
