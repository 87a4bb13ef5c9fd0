using System.Globalization;
using System.Text.RegularExpressions;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>
/// Reads the times forums really print — absolute (<c>2026-11-20 14:03</c>, <c>2026/11/20</c>,
/// <c>2026年11月20日 14:03</c>, ISO 8601, RFC 1123), relative (<c>3 小时前</c>, <c>昨天 08:15</c>,
/// <c>2 hours ago</c>, <c>yesterday</c>), English and Chinese month names (<c>25 May 2008 11:42</c>,
/// <c>Thu Jan 09, 2003 10:01 PM</c>, <c>一月 09, 2003</c>), dates without a year (<c>01/12 21:52</c>,
/// <c>5月25日 11:42</c>, <c>May 25</c>: the latest such date not in the future) and Unix timestamps
/// (seconds, milliseconds, with or without a fraction) — in the site's time zone. Labels around
/// the time (<c>Posted:</c>, <c>发表于</c>) are ignored.
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

        if (UnixPattern().Match(text) is { Success: true } unix && long.TryParse(unix.Groups["int"].Value, CultureInfo.InvariantCulture, out var seconds))
        {
            // Reddit prints 1523049024.0; the fraction never matters at this resolution.
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

        if (NamedMonth().Match(text) is { Success: true } named && MonthNumber(named.Groups["mon"].Value) is { } month)
        {
            var day = int.Parse(named.Groups["d"].Value, CultureInfo.InvariantCulture);
            var (hour, minute, second) = Clock(named);
            // asctime and PTT print the year after the clock: "Tue Jun 27 19:33:15 2017".
            var year = named.Groups["y"].Success ? named.Groups["y"] : named.Groups["y2"];
            return year.Success
                ? Local(int.Parse(year.Value, CultureInfo.InvariantCulture), month, day, hour, minute, second, zone)
                : LatestNotInFuture(month, day, hour, minute, second, zone, now);
        }

        if (ChineseMonthDay().Match(text) is { Success: true } cmd)
        {
            var (hour, minute, second) = Clock(cmd);
            return LatestNotInFuture(Int(cmd, "mo"), Int(cmd, "d"), hour, minute, second, zone, now);
        }

        if (MonthDay().Match(text) is { Success: true } md)
        {
            // "11-20 14:03" or PTT's "01/12 21:52" printed in January means last year.
            var (hour, minute, second) = Clock(md);
            return LatestNotInFuture(Int(md, "mo"), Int(md, "d"), hour, minute, second, zone, now);
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

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    /// <summary>Hour (12-hour clocks and 下午/晚上 applied), minute and second of a match; midnight when it has no time.</summary>
    private static (int Hour, int Minute, int Second) Clock(Match match)
    {
        if (!match.Groups["h"].Success)
        {
            return (0, 0, 0);
        }

        var hour = Int(match, "h");
        var pm = IsPm(match.Groups["ampm"]) || match.Groups["pm"].Success;
        hour = pm && hour < 12 ? hour + 12 : IsAm(match.Groups["ampm"]) && hour == 12 ? 0 : hour;
        return (hour, Int(match, "mi"), match.Groups["s"].Success ? Int(match, "s") : 0);
    }

    private static DateTimeOffset? Local(int year, int month, int day, int hour, int minute, int second, TimeZoneInfo zone)
    {
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month) || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        return InZone(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified), zone);
    }

    /// <summary>A date printed without its year: the latest year that does not put it in the future.</summary>
    private static DateTimeOffset? LatestNotInFuture(int month, int day, int hour, int minute, int second, TimeZoneInfo zone, DateTimeOffset now)
    {
        var year = TimeZoneInfo.ConvertTime(now, zone).Year;
        // Twelve hours of slack for a site clock (or configured zone) a little ahead of ours: more
        // would date tomorrow's calendar day this year instead of last. Feb 29 walks back to a leap year.
        for (var y = year; y > year - 8; y--)
        {
            if (Local(y, month, day, hour, minute, second, zone) is { } candidate && candidate <= now.AddHours(12))
            {
                return candidate;
            }
        }

        return null;
    }

    private static readonly string[] ChineseMonths = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

    private static int? MonthNumber(string name)
    {
        var key = name.TrimEnd('.').ToLowerInvariant();
        if (key.EndsWith('月'))
        {
            var index = Array.IndexOf(ChineseMonths, key[..^1]);
            return index >= 0 ? index + 1 : int.TryParse(key[..^1], CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 12 ? n : null;
        }

        if (key.Length < 3)
        {
            return null;
        }

        var months = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
        for (var i = 0; i < 12; i++)
        {
            if (key.StartsWith(months[i].ToLowerInvariant(), StringComparison.Ordinal) || (i == 8 && key.StartsWith("sept", StringComparison.Ordinal)))
            {
                return i + 1;
            }
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

    [GeneratedRegex(@"^(?<int>\d{10}(\d{3})?)(\.\d+)?$")]
    private static partial Regex UnixPattern();

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex(@"(?<y>\d{4})\s*[-/.年]\s*(?<mo>\d{1,2})\s*[-/.月]\s*(?<d>\d{1,2})\s*日?(?:[ T]*(?<pm>下午|晚上)?\s*(?<h>\d{1,2})\s*[:：时]\s*(?<mi>\d{2})(?:\s*[:：]\s*(?<s>\d{2}))?(?:\s*(?<ampm>[AaPp][Mm]))?)?")]
    private static partial Regex Absolute();

    [GeneratedRegex(@"(?<![\d-/])(?<mo>\d{1,2})[-/](?<d>\d{1,2})\s+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?(?!\d)")]
    private static partial Regex MonthDay();

    // "25 May 2008 11:42", "Thu Jan 09, 2003 10:01 PM", "May 25th, 2008 at 9:15 am", "一月 09, 2003 10:01 pm", "May 25".
    [GeneratedRegex(@"(?<![\p{L}\d])(?:(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?<mon>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:十[一二]?|[一二三四五六七八九])月)(?:,?\s+(?<y>(?:19|20)\d{2}))?|(?<mon>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:十[一二]?|[一二三四五六七八九])月)\s+(?<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<y>(?:19|20)\d{2}))?)(?![\d])(?:,?\s*(?:at\s+|-\s+)?(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?(?:\s*(?<ampm>[ap]\.?m\.?))?(?:\s+(?<y2>(?:19|20)\d{2})(?!\d))?)?", RegexOptions.IgnoreCase)]
    private static partial Regex NamedMonth();

    // "5月25日 11:42" without a year (with a year the Absolute pattern reads it first).
    [GeneratedRegex(@"(?<![\d年])(?<mo>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*日(?:\s*(?<pm>下午|晚上)?\s*(?<h>\d{1,2})\s*[:：]\s*(?<mi>\d{2})(?:\s*[:：]\s*(?<s>\d{2}))?)?")]
    private static partial Regex ChineseMonthDay();

    [GeneratedRegex(@"(?<n>\d+)?\s*(?:个|個)?\s*(?<u>秒|分钟|分鐘|小时|小時|天|周|个月|月|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|[smhdw])\s*(?:前|ago)", RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    [GeneratedRegex(@"(?<w>今天|昨天|前天|today|yesterday)(?:[,\s]*(?:at\s*)?(?<h>\d{1,2}):(?<mi>\d{2})(?:\s*(?<ampm>am|pm))?)?", RegexOptions.IgnoreCase)]
    private static partial Regex DayWord();
}
