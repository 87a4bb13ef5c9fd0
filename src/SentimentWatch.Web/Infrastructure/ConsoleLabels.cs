using System.Globalization;
using Microsoft.Extensions.Localization;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// What a person reads for the identifiers the console shows (topics, sentiments, case statuses, languages): their label
/// in the reader's language from the resources ("privacy and security" / "隐私安全"), and a key with no label (a watch's own
/// complaint category) as words, never as an identifier ("flight_delay" reads "flight delay"). Every page asks here.
/// </summary>
public static class ConsoleLabels
{
    /// <summary>A complaint topic or case category (<c>topic-{key}</c>); "–" for none.</summary>
    public static string Topic(this IStringLocalizer t, string? key) => Label(t, "topic-", key);

    /// <summary>A sentiment (<c>negative</c>, <c>neutral</c>, <c>positive</c>, <c>unscored</c>); "–" for none.</summary>
    public static string Sentiment(this IStringLocalizer t, string? key) => Label(t, "", key);

    /// <summary>A case status (<c>case-{status}</c>).</summary>
    public static string CaseStatus(this IStringLocalizer t, string? key) => Label(t, "case-", key);

    /// <summary>A language code (<c>language-{code}</c>): "Chinese" / "中文".</summary>
    public static string Language(this IStringLocalizer t, string? code) => Label(t, "language-", code);

    /// <summary>
    /// A label as a choice in a list reads it: English sentence case ("In progress", "Privacy and security"), where the same
    /// label inside a sentence stays lower case; Chinese has no case and is returned as it is.
    /// </summary>
    public static string Option(string label) =>
        label.Length == 0 || !char.IsLower(label[0]) ? label : char.ToUpper(label[0], CultureInfo.CurrentCulture) + label[1..];

    private static string Label(IStringLocalizer t, string prefix, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "–";
        }

        var label = t[prefix + key];
        return label.ResourceNotFound ? key.Replace('_', ' ') : label.Value;
    }
}
