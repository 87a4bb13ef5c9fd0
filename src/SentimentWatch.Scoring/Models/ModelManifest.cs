using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Models;

/// <summary>
/// What SentimentWatch writes next to ML.NET's own entries in a model zip: which featurizer the
/// weights expect, which trainer made them, for the topic model the class names in order, and
/// for the sentiment model the neutral bands fitted on the hand-labelled dev posts and the
/// out-of-domain blend (<see cref="SentimentBlend"/>). A sentiment v2 model also carries a learned neutral
/// head (<see cref="NeutralHeadSettings"/>, decision 120) whose weights sit in a zip entry of their own.
/// </summary>
public sealed record ModelManifest(
    string Kind,
    string Version,
    FeaturizerSettings Featurizer,
    string Trainer,
    IReadOnlyList<string> Classes,
    DateTimeOffset TrainedAt,
    IReadOnlyDictionary<string, NeutralBand>? Bands = null,
    SentimentBlend? Blend = null,
    NeutralHeadSettings? NeutralHead = null,
    CorrectionsSource? Corrections = null,
    IntentHeadSettings? IntentHead = null)
{
    public const string SentimentKind = "sentiment";
    public const string TopicKind = "topic";
}

/// <summary>
/// The learned neutral head of a sentiment v2 model (decision 120): a second calibrated linear model over the same
/// features, trained on real neutral labels (SemEval, SMP2020-EWECT), giving P(neutral). The polarity model then splits
/// the rest: P(negative) = (1 − P(neutral))·(1 − P(positive | polar)).
/// </summary>
/// <param name="Entry">The zip entry holding the head's ML.NET model.</param>
/// <param name="HarmPolarShift">Added to the polarity logit (made more negative) when the post reports harm (<see cref="Featurization.HarmTerms"/>).</param>
/// <param name="HarmNeutralShift">Added to the neutral logit (made less neutral) when the post reports harm.</param>
/// <param name="NeutralBias">Added to every neutral logit: moves the head from the base rate of the corpora it learned from (tweets,
/// Weibo: 20–45 % neutral) to the one that serves best leave-one-corpus-out (fitted on out-of-fold predictions, never on a test set).</param>
/// <param name="LanguageBias">Per language (zh, en), replaces <paramref name="NeutralBias"/> for posts of that language: the two languages'
/// neutral corpora have different base rates, and so do the reviews and posts each language is served.</param>
/// <param name="GenreBias">Per genre of source (<see cref="SourceGenres.Reviews"/>), then per language: replaces the language's bias for
/// posts of a source served as that genre (decision 209). A review is rarely neutral and its negatives are what a shop needs to see; the
/// social bias was fitted where Weibo and tweet neutrals weigh as much as review negatives. Fitted out of fold on the review corpora.</param>
/// <param name="GenrePolarShift">Per genre of source, then per language: added to the polarity logit (negative = more negative) of posts
/// of a source served as that genre (decision 214: customer-care posts are mostly complaints). Fitted by <c>fit-genre</c> on a labelled
/// file of the genre's posts; a genre or language without an entry gets no shift.</param>
/// <param name="GenreCueShift">Per genre of source, then per language: times log(1 + the post's complaint-cue strength) taken off both the
/// polarity and the neutral logit (decision 217: in care traffic a named service failure, "on hold", "still waiting", is a complaint
/// more surely than in a general tweet). Fitted by <c>fit-genre</c> with the bias and shift; none where absent.</param>
public sealed record NeutralHeadSettings(string Entry, float HarmPolarShift = 0f, float HarmNeutralShift = 0f, float NeutralBias = 0f,
    IReadOnlyDictionary<string, float>? LanguageBias = null, IReadOnlyDictionary<string, IReadOnlyDictionary<string, float>>? GenreBias = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, float>>? GenrePolarShift = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, float>>? GenreCueShift = null)
{
    /// <summary>The neutral bias for a post's language.</summary>
    public float BiasFor(string language) => LanguageBias is { } byLanguage && byLanguage.TryGetValue(language, out var bias) ? bias : NeutralBias;

    /// <summary>The neutral bias for a post's language and its source's genre (null or <see cref="SourceGenres.Social"/>: the language's).</summary>
    public float BiasFor(string language, string? genre) => Lookup(GenreBias, genre, language) ?? BiasFor(language);

    /// <summary>The polar shift for a post's language and its source's genre (0 where none was fitted).</summary>
    public float PolarShiftFor(string language, string? genre) => Lookup(GenrePolarShift, genre, language) ?? 0f;

    /// <summary>The cue shift for a post's language and its source's genre (0 where none was fitted).</summary>
    public float CueShiftFor(string language, string? genre) => Lookup(GenreCueShift, genre, language) ?? 0f;

    private static float? Lookup(IReadOnlyDictionary<string, IReadOnlyDictionary<string, float>>? table, string? genre, string language) =>
        genre is not null && table is not null && table.TryGetValue(genre, out var byLanguage) && byLanguage.TryGetValue(language, out var value) ? value : null;

    /// <summary>Whether the head has a bias or a polar shift of its own for <paramref name="genre"/>.</summary>
    public bool Serves(string genre) => GenreBias?.ContainsKey(genre) == true || GenrePolarShift?.ContainsKey(genre) == true;

    /// <summary>The same settings with <paramref name="genre"/>'s bias, polar shift and cue shift for <paramref name="language"/> set (decision 214).</summary>
    public NeutralHeadSettings WithGenre(string genre, string language, float bias, float polarShift, float cueShift = 0f) => this with
    {
        GenreBias = With(GenreBias, genre, language, bias),
        GenrePolarShift = With(GenrePolarShift, genre, language, polarShift),
        GenreCueShift = cueShift == 0f && GenreCueShift is null ? null : With(GenreCueShift, genre, language, cueShift),
    };

    private static Dictionary<string, IReadOnlyDictionary<string, float>> With(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, float>>? table, string genre, string language, float value)
    {
        var copy = new Dictionary<string, IReadOnlyDictionary<string, float>>(StringComparer.Ordinal);
        foreach (var (g, byLanguage) in table ?? new Dictionary<string, IReadOnlyDictionary<string, float>>())
        {
            copy[g] = new Dictionary<string, float>(byLanguage, StringComparer.Ordinal);
        }

        var languages = copy.TryGetValue(genre, out var existing) ? new Dictionary<string, float>(existing, StringComparer.Ordinal) : new Dictionary<string, float>(StringComparer.Ordinal);
        languages[language] = value;
        copy[genre] = languages;
        return copy;
    }
}

/// <summary>
/// The Chinese intent head of a sentiment v2 model (decision 210): a calibrated linear model over the same features giving
/// P(plain question or announcement), learned from the hand-labelled intent set (tests/SentimentWatch.Scoring.Tests/Data/intent-check.tsv).
/// When a Chinese post would be served negative, holds a question or announcement mark (<see cref="Featurization.IntentMarks"/>),
/// reports no harm and fires no complaint cue, and the head gives at least <paramref name="Threshold"/>, <paramref name="NeutralShift"/> is
/// added to its neutral logit. Absent from older models, which serve unchanged.
/// </summary>
/// <param name="Entry">The zip entry holding the head's ML.NET model.</param>
public sealed record IntentHeadSettings(string Entry, float Threshold, float NeutralShift);

/// <summary>
/// The analysts' corrections a model was trained with (decision 161): the export file's name, SHA-256 and number of corrected
/// mentions, how many of them taught this model, and how many times each counted (weak and corpus labels count once).
/// </summary>
public sealed record CorrectionsSource(string File, string Sha256, int Count, int Used, int Weight);
