namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Whether a Chinese post carries the marks of a question or an announcement — the posts the intent set
/// (docs/intent-rubric.md) was drawn from, and so the only posts its intent head may read (decision 210).
/// </summary>
public static class IntentMarks
{
    // The candidate search of tools/intent-candidates.py; texts arrive folded (NFKC: ？ is ?).
    private static readonly string[] QuestionWords =
        ["请问", "有没有", "什么时候", "吗", "怎么", "哪里", "哪儿", "为什么", "为啥", "谁知道", "求推荐", "求助", "多少钱", "几点"];

    private static readonly string[] AnnouncementStarts = ["【", "通知", "公告", "[通知", "[公告"];

    /// <param name="prepared">The text as the featurizer prepared it (NFKC-folded, lower case).</param>
    public static bool Holds(string prepared)
    {
        var text = prepared.AsSpan().TrimStart();
        if (text.IndexOfAny('?', '？') >= 0)
        {
            return true;
        }

        foreach (var word in QuestionWords)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // "#话题# 【标题】…": a hashtag may come before the headline bracket.
        if (text.Length > 0 && text[0] == '#' && text[1..].IndexOf('#') is var close and >= 0)
        {
            text = text[(close + 2)..].TrimStart();
        }

        foreach (var start in AnnouncementStarts)
        {
            if (text.StartsWith(start, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
