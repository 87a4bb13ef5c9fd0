namespace SentimentWatch.Web;

/// <summary>Which optional capabilities this host has, so the console shows only screens that work.</summary>
public sealed class ConsoleFeatures
{
    public bool Cases { get; init; }
}
