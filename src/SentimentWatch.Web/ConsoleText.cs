namespace SentimentWatch.Web;

/// <summary>
/// The console's texts for <c>IStringLocalizer&lt;ConsoleText&gt;</c>. The English text is the key
/// (ASP.NET Core's convention, so a missing translation still reads well);
/// <c>Resources/ConsoleText.zh-CN.resx</c> holds the Chinese.
/// </summary>
public sealed class ConsoleText
{
    /// <summary>Whether this request reads the console in Chinese: texts composed outside the resources (an alert's
    /// headline and readings, decision 218) follow it.</summary>
    public static bool IsChinese => System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
}
