using System.Globalization;
using System.Text.RegularExpressions;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>
/// Reads the times forums really print — absolute (<c>2026-11-20 14:03</c>, <c>2026/11/20</c>,
/// <c>2026年11月20日 14:03</c>, ISO 8601, RFC 1123), relative (<c>3 小时前</c>, <c>昨天 08:15</c>,
/// <c>2 hours ago</c>, <c>yesterday</c>) and Unix timestamps — in the site's time zone.
/// </summary>
public static partial class ForumTime
{
    public static DateTimeOffset? Parse(string? raw, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = raw.Replace('\u00a0', ' ').Trim();

        if (UnixPattern().Match(text) is { Success: true } unix && long.TryParse(unix.Value, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(seconds) : DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        // Weibo / Twitter API style: "Mon Nov 23 09:00:00 +0800 2026".
        if (DateTimeOffset.TryParseExact(text, "ddd MMM dd HH:mm:ss zzz yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var api))
        {
            return api;
        }

        // ISO 8601 / RFC 1123 with their own offset: the offset wins over the site zone.
        if (text.Length >= 20 && (text.Contains('T', StringComparison.Ordinal) || text.Contains(',', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset)
            && (text.EndsWith('Z') || OffsetSuffix().IsMatch(text) || text.Contains("GMT", StringComparison.Ordinal)))
        {
            return withOffset;
        }

        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        if (Absolute().Match(text) is { Success: true } a)
        {
            var year = int.Parse(a.Groups["y"].Value, CultureInfo.InvariantCulture);
            var local = new DateTime(
                year < 100 ? 2000 + year : year,
                int.Parse(a.Groups["mo"].Value, CultureInfo.InvariantCulture),
                int.Parse(a.Groups["d"].Value, CultureInfo.InvariantCulture),
                a.Groups["h"].Success ? int.Parse(a.Groups["h"].Value, CultureInfo.InvariantCulture) : 0,
                a.Groups["mi"].Success ? int.Parse(a.Groups["mi"].Value, CultureInfo.InvariantCulture) : 0,
                a.Groups["s"].Success ? int.Parse(a.Groups["s"].Value, CultureInfo.InvariantCulture) : 0,
                DateTimeKind.Unspecified);
            if ((a.Groups["pm"].Success || IsPm(a.Groups["ampm"])) && local.Hour < 12)
            {
                local = local.AddHours(12);
            }
            else if (IsAm(a.Groups["ampm"]) && local.Hour == 12)
            {
                local = local.AddHours(-12);
            }

            return InZone(local, zone);
        }

        if (MonthDay().Match(text) is { Success: true } md)
        {
            var local = new DateTime(localNow.Year, int.Parse(md.Groups["mo"].Value, CultureInfo.InvariantCulture), int.Parse(md.Groups["d"].Value, CultureInfo.InvariantCulture),
                int.Parse(md.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(md.Groups["mi"].Value, CultureInfo.InvariantCulture), 0, DateTimeKind.Unspecified);
            var result = InZone(local, zone);
            // "11-20 14:03" printed in January means last year.
            return result > now.AddDays(1) ? InZone(local.AddYears(-1), zone) : result;
        }

        if (text.Contains("半小时前", StringComparison.Ordinal) || text.Contains("半小時前", StringComparison.Ordinal))
        {
            return now - TimeSpan.FromMinutes(30);
        }

        if (Relative().Match(text) is { Success: true } r)
        {
            var amount = r.Groups["n"].Success && r.Groups["n"].Value.Length > 0 ? int.Parse(r.Groups["n"].Value, CultureInfo.InvariantCulture) : 1;
            var unit = r.Groups["u"].Value.ToLowerInvariant();
            TimeSpan span = unit switch
            {
                "秒" or "second" or "seconds" or "sec" or "secs" or "s" => TimeSpan.FromSeconds(amount),
                "分钟" or "分鐘" or "minute" or "minutes" or "min" or "mins" or "m" => TimeSpan.FromMinutes(amount),
                "小时" or "小時" or "hour" or "hours" or "hr" or "hrs" or "h" => TimeSpan.FromHours(amount),
                "天" or "day" or "days" or "d" => TimeSpan.FromDays(amount),
                "周" or "week" or "weeks" or "w" => TimeSpan.FromDays(7 * amount),
                _ => TimeSpan.FromDays(30 * amount),
            };
            return now - span;
        }

        if (text.Contains("刚刚", StringComparison.Ordinal) || text.Equals("just now", StringComparison.OrdinalIgnoreCase))
        {
            return now;
        }

        if (DayWord().Match(text) is { Success: true } dw)
        {
            var word = dw.Groups["w"].Value.ToLowerInvariant();
            var daysBack = word switch
            {
                "今天" or "today" => 0,
                "昨天" or "yesterday" => 1,
                _ => 2, // 前天
            };
            var date = localNow.Date.AddDays(-daysBack);
            var hour = dw.Groups["h"].Success ? int.Parse(dw.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
            hour = IsPm(dw.Groups["ampm"]) && hour < 12 ? hour + 12 : IsAm(dw.Groups["ampm"]) && hour == 12 ? 0 : hour;
            var local = dw.Groups["h"].Success
                ? date.AddHours(hour).AddMinutes(int.Parse(dw.Groups["mi"].Value, CultureInfo.InvariantCulture))
                : date;
            return InZone(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        }

        // Last resort for English forum styles: "Fri Nov 20, 2026 6:03 am", "11-20-2026, 02:03 PM",
        // "November 19, 2026, 10:10pm", "20 Nov 2026 14:03". Only with a year, so a bare number never passes.
        if (FourDigitYear().IsMatch(text)
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.NoCurrentDateDefault, out var english))
        {
            return InZone(DateTime.SpecifyKind(english, DateTimeKind.Unspecified), zone);
        }

        return null;
    }

    private static bool IsPm(Group group) => group.Success && (group.Value.StartsWith('p') || group.Value.StartsWith('P'));

    private static bool IsAm(Group group) => group.Success && (group.Value.StartsWith('a') || group.Value.StartsWith('A'));

    private static DateTimeOffset InZone(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    [GeneratedRegex(@"(?<!\d)(19|20)\d{2}(?!\d)")]
    private static partial Regex FourDigitYear();

    [GeneratedRegex(@"^\d{10}(\d{3})?$")]
    private static partial Regex UnixPattern();

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex(@"(?<y>\d{4})\s*[-/.年]\s*(?<mo>\d{1,2})\s*[-/.月]\s*(?<d>\d{1,2})\s*日?(?:[ T]*(?<pm>下午|晚上)?\s*(?<h>\d{1,2})\s*[:：时]\s*(?<mi>\d{2})(?:\s*[:：]\s*(?<s>\d{2}))?(?:\s*(?<ampm>[AaPp][Mm]))?)?")]
    private static partial Regex Absolute();

    [GeneratedRegex(@"(?<![\d-])(?<mo>\d{1,2})-(?<d>\d{1,2})\s+(?<h>\d{1,2}):(?<mi>\d{2})")]
    private static partial Regex MonthDay();

    [GeneratedRegex(@"(?<n>\d+)?\s*(?:个|個)?\s*(?<u>秒|分钟|分鐘|小时|小時|天|周|个月|月|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|[smhdw])\s*(?:前|ago)", RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    [GeneratedRegex(@"(?<w>今天|昨天|前天|today|yesterday)(?:[,\s]*(?:at\s*)?(?<h>\d{1,2}):(?<mi>\d{2})(?:\s*(?<ampm>am|pm))?)?", RegexOptions.IgnoreCase)]
    private static partial Regex DayWord();
}
