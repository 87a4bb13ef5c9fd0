namespace SentimentWatch.Web;

/// <summary>
/// The console's texts for <c>IStringLocalizer&lt;ConsoleText&gt;</c>. The English text is the key
/// (ASP.NET Core's convention, so a missing translation still reads well);
/// <c>Resources/ConsoleText.zh-CN.resx</c> holds the Chinese.
/// </summary>
public sealed class ConsoleText;
