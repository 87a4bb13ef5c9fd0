namespace SentimentWatch.Core;

/// <summary>How an error message repeats a bad value a caller sent: short, so a 1 MB field cannot make a 1 MB answer or log line.</summary>
public static class ProblemText
{
    /// <summary>How many characters of a bad value an error message quotes.</summary>
    public const int QuotedLength = 60;

    /// <summary>The value as an error message quotes it: at most <see cref="QuotedLength"/> characters, then an ellipsis.</summary>
    public static string Quote(string? value)
    {
        if (value is null || value.Length <= QuotedLength)
        {
            return value ?? string.Empty;
        }

        // Never half a surrogate pair.
        var cut = char.IsHighSurrogate(value[QuotedLength - 1]) ? QuotedLength - 1 : QuotedLength;
        return string.Concat(value.AsSpan(0, cut), "…");
    }
}
