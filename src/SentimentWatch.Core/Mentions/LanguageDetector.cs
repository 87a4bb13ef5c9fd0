namespace SentimentWatch.Core.Mentions;

/// <summary>
/// Tells Chinese from English by script. Good enough to route analysis and models: the
/// project serves Chinese and English, and text in other scripts is marked undetermined.
/// </summary>
public static class LanguageDetector
{
    public const string Chinese = "zh";
    public const string English = "en";
    public const string Mixed = "mixed";
    public const string Undetermined = "und";

    public static string Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Undetermined;
        }

        int cjk = 0, latin = 0;
        foreach (var c in text)
        {
            if (TextNormalizer.IsCjk(c))
            {
                cjk++;
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                latin++;
            }
        }

        // A CJK character carries about as much as a short English word: weigh them so.
        var latinWords = latin / 4.5;
        if (cjk == 0 && latin == 0)
        {
            return Undetermined;
        }

        if (cjk >= 2 && latinWords >= 3 && Math.Min(cjk, latinWords) / Math.Max(cjk, latinWords) >= 0.25)
        {
            return Mixed;
        }

        return cjk >= latinWords ? Chinese : English;
    }
}
