using Microsoft.Extensions.Localization;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// How long, in the reader's language, wherever the console shows a duration (SLA deadlines, playbook steps, how long a
/// post waited): "42m", "7h 44m", "6d 23h" / "42分钟", "7小时44分钟", "6天23小时". Minutes are rounded (at least one, as the
/// reminders round them); from a day on, the minutes are dropped, since nobody plans a week to the minute.
/// </summary>
public static class DurationText
{
    public static string Format(TimeSpan span, IStringLocalizer t)
    {
        var minutes = Math.Max(1L, (long)Math.Round(span.Duration().TotalMinutes));
        if (minutes < 60)
        {
            return t["{0}m", minutes].Value;
        }

        var (days, hours, rest) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
        if (days == 0)
        {
            return rest == 0 ? t["{0}h", hours].Value : t["{0}h {1}m", hours, rest].Value;
        }

        return hours == 0 ? t["{0}d", days].Value : t["{0}d {1}h", days, hours].Value;
    }
}
