using Microsoft.Extensions.Options;

namespace SentimentWatch.Scoring.Serving;

/// <summary>Configuration section "Scoring".</summary>
public sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>Folder holding the model files; relative paths resolve against AppContext.BaseDirectory.</summary>
    public string ModelDirectory { get; set; } = "models";

    public string SentimentModel { get; set; } = "sentiment.zip";

    public string TopicModel { get; set; } = "topic.zip";

    /// <summary>Crisis vocabulary reported as a mention's risk terms (matched case-insensitively).</summary>
    public List<string> RiskTerms { get; set; } =
    [
        "投诉", "曝光", "维权", "起诉", "律师", "315", "消协", "报警", "爆炸", "起火", "中毒", "召回", "欺诈", "诈骗", "泄露", "死亡", "受伤",
        "lawsuit", "sue", "lawyer", "recall", "explode", "exploded", "fire", "poisoning", "fraud", "scam", "leak", "injured", "boycott",
    ];

    /// <summary>
    /// A mention gets the topic "other" only when the topic model's P(other) reaches this (or an other cue chose it,
    /// decision 176); otherwise its most likely category (decisions 125, 169, 184: every post, whatever its sentiment).
    /// 0 turns the gate off (plain argmax).
    /// </summary>
    public float ComplaintOtherThreshold { get; set; } = 0.8f;

    /// <summary>
    /// Watches with their own complaint categories (decision 126): watch id → folder holding the topic.zip
    /// (and topic-keywords.json) that `train --topics-only --topics &lt;taxonomy.json&gt; --output &lt;folder&gt;`
    /// built for them; relative folders resolve against <see cref="ModelDirectory"/>. Other watches keep the default taxonomy.
    /// </summary>
    public Dictionary<string, string> WatchTopics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Sources whose mentions are not social posts (decision 209): source name (a crawl source's <c>Name</c> or an intake
    /// channel's <c>source</c>) → genre, <c>reviews</c> or <c>social</c>. A review source is served with the sentiment model's
    /// review bias: fewer reviews read as neutral, more negative reviews caught. Sources not named here are social.
    /// </summary>
    public Dictionary<string, string> SourceGenres { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How far back <c>GET /api/scoring/drift</c> reads scored mentions (decision 162).</summary>
    public TimeSpan DriftWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Jensen–Shannon divergence (base 2, 0 = same distribution, 1 = disjoint) above which drift is flagged.</summary>
    public double DriftThreshold { get; set; } = 0.1;

    /// <summary>Fewer scored mentions than this in the window are reported but never flagged (too few to say).</summary>
    public int DriftMinimumMentions { get; set; } = 100;

    /// <summary>The training data's label distribution, written by the training verbs next to the models (decision 162).</summary>
    public string TrainingDistribution { get; set; } = "label-distribution.json";

    public string TrainingDistributionPath => Path.Combine(ResolveDirectory(), TrainingDistribution);

    public string ResolveWatchTopicDirectory(string folder) =>
        Path.IsPathRooted(folder) ? folder : Path.GetFullPath(Path.Combine(ResolveDirectory(), folder));

    public string ResolveDirectory() =>
        Path.IsPathRooted(ModelDirectory) ? ModelDirectory : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ModelDirectory));

    public string SentimentPath => Path.Combine(ResolveDirectory(), SentimentModel);

    public string TopicPath => Path.Combine(ResolveDirectory(), TopicModel);
}

/// <summary>Reports every unusable scoring setting at once, naming its configuration path.</summary>
public sealed class ScoringOptionsValidator : IValidateOptions<ScoringOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelDirectory))
        {
            failures.Add("Scoring:ModelDirectory must name the folder holding the model files (default 'models').");
        }
        else if (!Directory.Exists(options.ResolveDirectory()))
        {
            failures.Add($"Scoring:ModelDirectory: folder '{options.ResolveDirectory()}' does not exist.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.SentimentModel) || !File.Exists(options.SentimentPath))
            {
                failures.Add($"Scoring:SentimentModel: model file '{options.SentimentPath}' does not exist (Scoring:ModelDirectory = '{options.ModelDirectory}').");
            }

            if (string.IsNullOrWhiteSpace(options.TopicModel) || !File.Exists(options.TopicPath))
            {
                failures.Add($"Scoring:TopicModel: model file '{options.TopicPath}' does not exist (Scoring:ModelDirectory = '{options.ModelDirectory}').");
            }
        }

        if (options.ComplaintOtherThreshold is < 0f or > 1f || float.IsNaN(options.ComplaintOtherThreshold))
        {
            failures.Add($"Scoring:ComplaintOtherThreshold must be between 0 and 1 (was {options.ComplaintOtherThreshold}).");
        }

        foreach (var (watch, folder) in options.WatchTopics)
        {
            if (string.IsNullOrWhiteSpace(folder) || !File.Exists(Path.Combine(options.ResolveWatchTopicDirectory(folder), "topic.zip")))
            {
                failures.Add($"Scoring:WatchTopics:{watch}: no topic.zip in '{(string.IsNullOrWhiteSpace(folder) ? "(empty)" : options.ResolveWatchTopicDirectory(folder))}'; build it with `train --topics-only --topics <taxonomy.json> --output <folder>`.");
            }
        }

        foreach (var (source, genre) in options.SourceGenres)
        {
            if (Models.SourceGenres.Parse(genre) is null)
            {
                failures.Add($"Scoring:SourceGenres:{source} must be one of {string.Join(", ", Models.SourceGenres.All)} (was '{genre}').");
            }
        }

        if (options.DriftWindow <= TimeSpan.Zero || options.DriftWindow > TimeSpan.FromDays(366))
        {
            failures.Add($"Scoring:DriftWindow must be between 00:00:01 and 366.00:00:00 (was {options.DriftWindow}).");
        }

        if (options.DriftThreshold is <= 0 or > 1 || double.IsNaN(options.DriftThreshold))
        {
            failures.Add($"Scoring:DriftThreshold must be above 0 and at most 1 (a Jensen–Shannon divergence; was {options.DriftThreshold}).");
        }

        if (options.DriftMinimumMentions < 1)
        {
            failures.Add($"Scoring:DriftMinimumMentions must be at least 1 (was {options.DriftMinimumMentions}).");
        }

        if (string.IsNullOrWhiteSpace(options.TrainingDistribution))
        {
            failures.Add("Scoring:TrainingDistribution must name the training label distribution file in Scoring:ModelDirectory (default 'label-distribution.json').");
        }

        for (var i = 0; i < options.RiskTerms.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.RiskTerms[i]))
            {
                failures.Add($"Scoring:RiskTerms:{i} is empty.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
