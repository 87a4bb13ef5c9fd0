using Microsoft.ML;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Serving;

/// <summary>
/// The pipeline's <see cref="IMentionScorer"/>: both models loaded once, evaluated over the
/// shared featurizer with a per-thread feature buffer (thread-safe, allocation-light). Large
/// batches are split across cores.
/// </summary>
public sealed class ModelScorer : IMentionScorer, IWatchTopicScorer, IComplaintTaxonomy
{
    private const int ParallelThreshold = 512;

    [ThreadStatic]
    private static FeatureVector? t_vector;

    [ThreadStatic]
    private static FeatureVector? t_topicVector;

    [ThreadStatic]
    private static FeatureVector? t_watchVector;

    [ThreadStatic]
    private static FeatureVector? t_maskedVector;

    private IReadOnlyDictionary<string, WatchTopicModel> _watchModels = new Dictionary<string, WatchTopicModel>(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> _sourceGenres = new Dictionary<string, string>(StringComparer.Ordinal);

    private readonly SentimentModel _sentiment;
    private readonly TopicModel _topic;
    private readonly int _safetyIndex;
    private readonly bool _sharedFeatures;
    private readonly string[] _riskTerms;
    private readonly HybridTopic? _hybrid;
    private readonly int _otherIndex;
    private readonly float _otherThreshold;

    /// <param name="hybrid">Keyword rules that may overrule an unsure or "other" topic answer; null = the model alone.</param>
    /// <param name="complaintOtherThreshold">A negative mention is "other" only when P(other) reaches this (<see cref="ComplaintGate"/>); 0 = plain argmax.</param>
    public ModelScorer(SentimentModel sentiment, TopicModel topic, IEnumerable<string> riskTerms, HybridTopic? hybrid = null, float complaintOtherThreshold = 0f)
    {
        _sentiment = sentiment;
        _topic = topic;
        _hybrid = hybrid;
        _otherIndex = topic.Topics.ToList().IndexOf(ComplaintTopics.Other);
        _safetyIndex = topic.Topics.ToList().IndexOf("safety");
        _otherThreshold = complaintOtherThreshold;
        // The rule and complaint-cue features only append dense slots after the ones the topic model knows (it ignores them).
        var topicSettings = topic.Manifest.Featurizer;
        _sharedFeatures = topicSettings == sentiment.Manifest.Featurizer || topicSettings == sentiment.Manifest.Featurizer with { RuleFeatures = false, ComplaintCues = false, ComplaintCueScale = 1f, ComplaintCuesAsNegative = 0f };
        _riskTerms = riskTerms.Select(TextNormalizer.Fold).Where(t => t.Length > 0).Distinct().ToArray();
        ModelVersion = $"{sentiment.Manifest.Version}+{topic.Manifest.Version}" + (hybrid is null ? "" : "+" + hybrid.Version)
            + (complaintOtherThreshold > 0f ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+gate{complaintOtherThreshold:0.##}-every-post") : "")
            + (sentiment.HasNeutralHead ? "+harm-not-positive" : "") + "+dismissed-not-safety"
            + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+harm-{HarmTerms.Shipped.Version}");
    }

    public string? ModelVersion { get; private set; }

    public bool HasWatchTaxonomies => _watchModels.Count > 0;

    /// <summary>The topic models of watches with their own taxonomy, by watch id.</summary>
    public IReadOnlyDictionary<string, WatchTopicModel> WatchModels => _watchModels;

    /// <summary>
    /// Gives watches their own topic models (decision 126); their versions join <see cref="ModelVersion"/>,
    /// so mentions are re-scored when a watch's taxonomy is retrained.
    /// </summary>
    public ModelScorer WithWatchTopics(IReadOnlyDictionary<string, WatchTopicModel> models)
    {
        _watchModels = models;
        if (models.Count > 0)
        {
            // "gate-every-post": decision 205 changed how a watch's topic is decided, so mentions scored before are re-scored.
            var versions = "gate-every-post;" + string.Join(",", models.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.Version}"));
            ModelVersion += string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+watches-{TrainingRunHash(versions):x8}");
        }

        return this;
    }

    /// <inheritdoc />
    public string GenreOf(string source) => _sourceGenres.TryGetValue(source, out var genre) ? genre : Models.SourceGenres.Social;

    /// <summary>The genre of each source not served as social (decision 209), by source name.</summary>
    public IReadOnlyDictionary<string, string> SourceGenres => _sourceGenres;

    /// <summary>
    /// Serves the named sources as their genre (decision 209: reviews get the model's review bias). The sources and genres join
    /// <see cref="ModelVersion"/>, so a source's mentions are re-scored when its genre changes. Throws
    /// <see cref="ModelFileException"/> when the sentiment model has no bias for a named genre.
    /// </summary>
    public ModelScorer WithSourceGenres(IReadOnlyDictionary<string, string> genres)
    {
        var served = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, name) in genres)
        {
            var genre = Models.SourceGenres.Parse(name) ?? throw new ModelFileException($"Scoring:SourceGenres:{source}: '{name}' is not a genre ({string.Join(", ", Models.SourceGenres.All)}).");
            if (!_sentiment.Serves(genre))
            {
                throw new ModelFileException($"Scoring:SourceGenres:{source}: the sentiment model {_sentiment.Manifest.Version} has no neutral bias for '{genre}'; "
                    + "retrain it with `train-sentiment` (reviews, decision 209), fit the genre with `fit-genre` on labelled posts of it (decision 214), or serve the source as social.");
            }

            if (genre != Models.SourceGenres.Social)
            {
                served[source] = genre;
            }
        }

        _sourceGenres = served;
        if (served.Count > 0)
        {
            // The genres' fitted values join the sources (decision 214): a genre fitted again re-scores its sources' mentions.
            var head = _sentiment.Manifest.NeutralHead;
            var fitted = string.Join(";", served.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(g => string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{g}:en={head?.BiasFor("en", g)}/{head?.PolarShiftFor("en", g)}/{head?.CueShiftFor("en", g)},zh={head?.BiasFor("zh", g)}/{head?.PolarShiftFor("zh", g)}/{head?.CueShiftFor("zh", g)}")));
            var list = string.Join(",", served.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "|" + fitted;
            ModelVersion += string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+genres-{TrainingRunHash(list):x8}");
        }

        return this;
    }

    private static uint TrainingRunHash(string text) => Training.TrainingRun.StableHash(text);

    /// <inheritdoc />
    public IReadOnlyList<string> CategoriesOf(string? watch) =>
        watch is not null && _watchModels.TryGetValue(watch, out var model) ? model.Topic.Topics : _topic.Topics;

    public TopicScore? WatchTopic(IReadOnlyList<string> watches, string text, SentimentScore sentiment)
    {
        foreach (var watch in watches)
        {
            if (_watchModels.TryGetValue(watch, out var model))
            {
                return model.Decide(text ?? string.Empty, sentiment.Label, t_watchVector ??= new FeatureVector(), _otherThreshold);
            }
        }

        return null;
    }

    public SentimentModel Sentiment => _sentiment;

    public TopicModel Topic => _topic;

    /// <summary>The keyword-rule override (models/topic-keywords.json next to the models), or null.</summary>
    public HybridTopic? Hybrid => _hybrid;

    /// <summary>Loads both model files; a missing or corrupt file throws <see cref="ModelFileException"/> naming the setting.</summary>
    public static ModelScorer Load(ScoringOptions options)
    {
        var ml = new MLContext(seed: 1);
        var sentiment = SentimentModel.Load(ml, options.SentimentPath, "Scoring:SentimentModel");
        var topic = TopicModel.Load(ml, options.TopicPath, "Scoring:TopicModel");
        var watchModels = options.WatchTopics.ToDictionary(
            w => w.Key,
            w => WatchTopicModel.Load(ml, options.ResolveWatchTopicDirectory(w.Value), $"Scoring:WatchTopics:{w.Key}"),
            StringComparer.Ordinal);
        return new ModelScorer(sentiment, topic, options.RiskTerms, HybridTopic.LoadFrom(options.ResolveDirectory(), topic), options.ComplaintOtherThreshold)
            .WithWatchTopics(watchModels)
            .WithSourceGenres(options.SourceGenres);
    }

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) => Score(texts, null);

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts, IReadOnlyList<string>? sources)
    {
        var results = new MentionScore?[texts.Count];
        var genres = _sourceGenres.Count == 0 ? null : _sourceGenres;
        string? GenreOf(int i) => genres is not null && sources is not null && i < sources.Count && genres.TryGetValue(sources[i], out var genre) ? genre : null;
        if (texts.Count < ParallelThreshold)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                results[i] = ScoreOne(texts[i], GenreOf(i));
            }
        }
        else
        {
            Parallel.ForEach(
                System.Collections.Concurrent.Partitioner.Create(0, texts.Count, 256),
                range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        results[i] = ScoreOne(texts[i], GenreOf(i));
                    }
                });
        }

        return results;
    }

    /// <param name="genre">The source's genre (<see cref="Models.SourceGenres"/>; null = social).</param>
    public MentionScore ScoreOne(string? text, string? genre = null)
    {
        text ??= string.Empty;
        var prepared = _sentiment.Featurizer.Prepare(text);
        var vector = t_vector ??= new FeatureVector();
        _sentiment.Featurizer.FeaturizeNormalized(prepared, vector, text);
        // One harm check serves both the sentiment shift and the topic (a post that reports harm is a safety matter).
        var harm = HarmTerms.Shipped.Judge(prepared);
        var reportsHarm = harm.Reports;
        var probabilities3 = _sentiment.Probabilities(vector, prepared, reportsHarm, _sentiment.NeedsLanguage ? LanguageDetector.Detect(text) : "", genre);
        if (reportsHarm && _sentiment.HasNeutralHead)
        {
            // A report of harm is bad news whatever its tone ("LOL ... threw up my food", "my aunt's in the hospital, going to
            // visit her"): never positive; the positive share is split between negative and neutral in proportion (decision 177),
            // so a news-like mention ("returning from injury") can stay neutral.
            probabilities3 = HarmIsNeverPositive(probabilities3);
        }

        var (neg, neu, pos) = probabilities3;
        var label = SentimentModel.LabelOf(probabilities3);

        var topicVector = vector;
        if (!_sharedFeatures)
        {
            topicVector = t_topicVector ??= new FeatureVector();
            _topic.Featurizer.Featurize(text, topicVector);
        }

        // Keyword rules and risk terms match folded text whatever the models read (the same instance when already folded).
        var folded = ChineseScript.ToSimplified(prepared);

        Span<float> probabilities = stackalloc float[_topic.Topics.Count];
        var (topic, probability) = DecideTopic(topicVector, folded, probabilities);

        // The taxonomy's safety covers every report of harm (illness, injury, fire, contamination, recall); the harm
        // list (decision 121) finds reports the safety keywords miss ("got food poisoning", "mould in the bread").
        var move = harm.TopicMove(topic, _safetyIndex, label);
        if (move == HarmTopicMove.ToSafety)
        {
            (topic, probability) = (_safetyIndex, Math.Max(probabilities[_safetyIndex], HybridTopic.RuleProbability));
        }
        else if (move == HarmTopicMove.DecideWithoutTerms)
        {
            // The list read harm words only where they do not mean harm (an @handle, a title, a figure of speech, a phone that
            // died: decision 243), but the topic model and the safety keywords carry the same words. The topic is decided again
            // on the text without the list's words (lower-cased: case features are not read in this pass); what still reads as
            // safety without them ("上吐下泻", "毒油") stays safety.
            var masked = HarmTerms.Shipped.MaskTerms(prepared);
            var maskedVector = t_maskedVector ??= new FeatureVector();
            if (_sharedFeatures)
            {
                _sentiment.Featurizer.FeaturizeNormalized(masked, maskedVector);
            }
            else
            {
                _topic.Featurizer.Featurize(masked, maskedVector);
            }

            Span<float> maskedProbabilities = stackalloc float[_topic.Topics.Count];
            var without = DecideTopic(maskedVector, ChineseScript.ToSimplified(masked), maskedProbabilities);
            if (without.Topic != _safetyIndex)
            {
                (topic, probability) = without;
            }
        }

        return new MentionScore(
            new SentimentScore(label, neg, neu, pos),
            new TopicScore(_topic.Topics[topic], probability),
            RiskTerms(folded));
    }

    // Model, keyword rules (the hybrid) and the complaint gate, as every post's topic is decided.
    private (int Topic, float Probability) DecideTopic(FeatureVector topicVector, string folded, Span<float> probabilities)
    {
        int topic;
        float probability;
        var fromRule = false;
        _topic.Probabilities(topicVector, probabilities);
        if (_hybrid is null)
        {
            topic = 0;
            for (var c = 1; c < probabilities.Length; c++)
            {
                topic = probabilities[c] > probabilities[topic] ? c : topic;
            }

            probability = probabilities[topic];
        }
        else
        {
            (topic, probability, fromRule) = _hybrid.Decide(folded, probabilities);
        }

        // The gate files an unsure `other` under a category, but not an `other` the keyword rules chose (an other cue). It
        // applies whatever the sentiment (decision 184): a complaint misread as positive ("i love how nobody ever answers the
        // phone here lol") still gets its most likely category.
        if (_otherThreshold > 0f && !fromRule)
        {
            (topic, probability) = ComplaintGate.Decide(probabilities, topic, probability, _otherIndex, _otherThreshold);
        }

        return (topic, probability);
    }

    /// <summary>The probabilities served for a post that reports harm: P(positive) 0, negative and neutral renormalised (decision 177).</summary>
    public static (float Negative, float Neutral, float Positive) HarmIsNeverPositive((float Negative, float Neutral, float Positive) p)
    {
        var rest = p.Negative + p.Neutral;
        return rest <= 0f ? (1f, 0f, 0f) : (p.Negative / rest, p.Neutral / rest, 0f);
    }

    // Terms are folded like the text (NFKC, lower case, Simplified), so an ordinal search suffices.
    private IReadOnlyList<string> RiskTerms(string folded)
    {
        List<string>? found = null;
        foreach (var term in _riskTerms)
        {
            if (folded.Contains(term, StringComparison.Ordinal))
            {
                (found ??= []).Add(term);
            }
        }

        return found is null ? [] : found;
    }
}
