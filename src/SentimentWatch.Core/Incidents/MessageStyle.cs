using System.Globalization;

namespace SentimentWatch.Core.Incidents;

/// <summary>
/// The language and time zone a notification channel's readers read in (decision 218): a Chinese PR
/// team's DingTalk group gets 【严重】…，近 10 分钟负面 33 条… with Beijing times, head office's e-mail
/// gets English in its own zone. Each channel's outbox row is written in its style, so the webhook's
/// JSON carries the same words its readers see; a <see cref="StaffNotice"/> may be written for each style.
/// </summary>
public sealed record MessageStyle(string Language, TimeZoneInfo Zone)
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    public static readonly MessageStyle Default = new(English, TimeZoneInfo.Utc);

    public bool IsChinese => Language == Chinese;

    /// <summary>The style settings or a stored message name (unknown or absent values: English, UTC; settings are validated at start-up).</summary>
    public static MessageStyle From(string? language, string? timeZone) =>
        new(TryParseLanguage(language, out var l) ? l : English, TryFindZone(timeZone, out var z) ? z : TimeZoneInfo.Utc);

    /// <summary><c>en</c> (and <c>en-*</c>) or <c>zh-CN</c> (also <c>zh</c>, <c>zh-Hans</c>, <c>zh-Hans-CN</c>); empty means English.</summary>
    public static bool TryParseLanguage(string? value, out string language)
    {
        var v = value?.Trim() ?? "";
        if (v.Length == 0 || v.Equals("en", StringComparison.OrdinalIgnoreCase) || v.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
        {
            language = English;
            return true;
        }

        if (v.Equals("zh", StringComparison.OrdinalIgnoreCase) || v.Equals("zh-CN", StringComparison.OrdinalIgnoreCase)
            || v.Equals("zh-Hans", StringComparison.OrdinalIgnoreCase) || v.Equals("zh-Hans-CN", StringComparison.OrdinalIgnoreCase))
        {
            language = Chinese;
            return true;
        }

        language = English;
        return false;
    }

    /// <summary>An IANA zone (<c>Asia/Shanghai</c>, <c>Europe/Berlin</c>) or <c>UTC</c>; empty means UTC.</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        var v = id?.Trim() ?? "";
        if (v.Length == 0 || v.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(v, out var found))
        {
            zone = found;
            return true;
        }

        zone = TimeZoneInfo.Utc;
        return false;
    }

    /// <summary>The wire name of the zone (<c>UTC</c>, <c>Asia/Shanghai</c>).</summary>
    public string ZoneId => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>"2026-12-02 18:23 UTC", "2026-12-03 02:23 北京时间", "2026-12-02 19:23 UTC+1".</summary>
    public string Time(DateTimeOffset at)
    {
        var local = Local(at);
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm} {ZoneLabel(local)}");
    }

    /// <summary>"18:23 UTC", "02:23 北京时间".</summary>
    public string Clock(DateTimeOffset at)
    {
        var local = Local(at);
        return string.Create(CultureInfo.InvariantCulture, $"{local:HH:mm} {ZoneLabel(local)}");
    }

    private string ZoneLabel(DateTimeOffset local)
    {
        if (Zone == TimeZoneInfo.Utc)
        {
            return "UTC";
        }

        if (IsChinese && local.Offset == TimeSpan.FromHours(8) && Zone.Id is "Asia/Shanghai" or "Asia/Chongqing" or "Asia/Harbin" or "Asia/Urumqi" or "PRC" or "China Standard Time")
        {
            return "北京时间";
        }

        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        offset = offset.Duration();
        return offset.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{offset.Hours}")
            : string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{offset.Hours}:{offset.Minutes:00}");
    }

    /// <summary>"10 min" / "10 分钟", "1 h" / "1 小时" (the windows' words; response steps have their own).</summary>
    public string Span(TimeSpan span) => Span(span, IsChinese);

    public static string Span(TimeSpan span, bool chinese) =>
        span.TotalHours >= 1 && span.Minutes == 0
            ? span.TotalHours.ToString("0", CultureInfo.InvariantCulture) + (chinese ? " 小时" : " h")
            : span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + (chinese ? " 分钟" : " min");

    /// <summary>The words a message is framed with.</summary>
    public string T(string english, string chinese) => IsChinese ? chinese : english;

    public static string SeverityWord(string severity, bool chinese) => !chinese
        ? severity
        : severity switch
        {
            "critical" => "严重",
            "warning" => "警告",
            _ => "提示",
        };
}
