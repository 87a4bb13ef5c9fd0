namespace SentimentWatch.Scoring.Models;

/// <summary>
/// What kind of writing a source carries (decision 209). Social posts (Weibo, forums, tweets) are often neutral: news, questions,
/// announcements. Reviews (a delivery platform, an app store, a shop's ratings) are rarely neutral, and a negative one read as neutral
/// is a lost complaint. Customer-care posts (tweets addressed to the brand's own handle, its support forum) are mostly complaints and
/// questions (decision 214). The sentiment model serves each genre with its own neutral bias (<see cref="NeutralHeadSettings.GenreBias"/>)
/// and, where fitted, its own polar shift and cue shift (<see cref="NeutralHeadSettings.GenrePolarShift"/>, <see cref="NeutralHeadSettings.GenreCueShift"/>; decisions 214, 217).
/// </summary>
public static class SourceGenres
{
    /// <summary>The default: posts on social networks, forums and news comments.</summary>
    public const string Social = "social";

    /// <summary>Customer reviews: every text rates something the writer bought or used.</summary>
    public const string Reviews = "reviews";

    /// <summary>
    /// Customer care: posts addressed to the brand (replies to and mentions of its own handle, its support forum or channel). Most are
    /// complaints or service questions; a social post's neutral and positive priors read them too kindly (decision 214).
    /// </summary>
    public const string Care = "care";

    public static readonly IReadOnlyList<string> All = [Social, Reviews, Care];

    /// <summary>The genre's canonical name, or null when <paramref name="name"/> names none (case-insensitive).</summary>
    public static string? Parse(string? name) =>
        All.FirstOrDefault(g => string.Equals(g, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
