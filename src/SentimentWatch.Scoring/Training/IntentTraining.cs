using System.Globalization;
using Microsoft.ML;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// The Chinese intent head of decision 210: P(plain question or announcement) learned from the train split of the intent set
/// over the sentiment model's own features, and the threshold, neutral shift and L2 chosen on dev posts only (the intent set's
/// dev split and the crisis check's dev split; never a test split).
/// </summary>
public sealed class IntentTraining(TextWriter log)
{
    public const string Entry = "SentimentWatch/intent-head.zip";

    private static readonly float[] L2Grid = [0.25f, 1f, 4f];
    private static readonly float[] ThresholdGrid = [0.3f, 0.4f, 0.5f, 0.6f, 0.7f];
    private static readonly float[] ShiftGrid = [1f, 2f, 3f];

    /// <summary>What the head may read: every feature of the sentiment vector, or only its dense slots (lexicon evidence,
    /// punctuation, rule scores, the plain-question flag, complaint cues) — fewer weights for a few hundred posts to fit.</summary>
    public enum HeadFeatures
    {
        All,
        Dense,
    }

    public sealed record Trained(SentimentModel Model, ITransformer Head, DataViewSchema Schema, MLContext Ml);

    /// <summary>Dev figures of one served model: counts served negative.</summary>
    public sealed record DevFigures(int PlainNegative, int Plain, int ComplaintNegative, int Complaints, int OtherNegative, int Other,
        int CrisisNegative, int Crisis, int OrdinaryNegative, int Ordinary);

    /// <param name="balanced">Repeat the plain posts so both classes weigh the same (they are about a third of the set).</param>
    public static (ITransformer Head, DataViewSchema Schema, MLContext Ml) TrainHead(SentimentModel model, IReadOnlyList<IntentCheck> train, float l2,
        HeadFeatures features = HeadFeatures.All, bool balanced = false)
    {
        var hashed = model.Manifest.Featurizer.HashedSize;
        var plain = train.Count(c => c.IsPlain);
        var repeat = balanced && plain > 0 ? Math.Max(1, (int)Math.Round((train.Count - plain) / (double)plain)) : 1;
        var rows = train.SelectMany(c =>
        {
            var (indices, values) = model.Featurizer.FeaturizeToArrays(c.Text);
            if (features == HeadFeatures.Dense)
            {
                var first = Array.FindIndex(indices, i => i >= hashed) is var f and >= 0 ? f : indices.Length;
                (indices, values) = (indices[first..], values[first..]);
            }

            return Enumerable.Repeat(new FeatureData.FeaturizedText(indices, values, c.IsPlain), c.IsPlain ? repeat : 1);
        }).ToList();
        var ml = new MLContext(seed: 1);
        var view = ml.Data.Cache(FeatureData.Binary(ml, model.Manifest.Featurizer.VectorSize, rows));
        var (head, schema) = SentimentTrainer.Train(ml, view, SentimentTrainer.Lbfgs, l2, 0f);
        return (head, schema, ml);
    }

    public static DevFigures Measure(SentimentModel model, IReadOnlyList<IntentCheck> intentDev, IReadOnlyList<CrisisCheck> crisisDev)
    {
        var intentLabels = SocialTrainingRun.Labels(model, intentDev.Select(c => c.Text).ToList());
        var crisisLabels = SocialTrainingRun.Labels(model, crisisDev.Select(c => c.Text).ToList());
        int Negative(Func<IntentCheck, bool> which) => intentDev.Where((c, i) => which(c) && intentLabels[i] == "negative").Count();
        return new DevFigures(
            Negative(c => c.IsPlain), intentDev.Count(c => c.IsPlain),
            Negative(c => c.Intent == IntentCheck.Complaint), intentDev.Count(c => c.Intent == IntentCheck.Complaint),
            Negative(c => c.Intent == IntentCheck.Other), intentDev.Count(c => c.Intent == IntentCheck.Other),
            crisisDev.Where((c, i) => c.Kind == CrisisCheck.Crisis && crisisLabels[i] == "negative").Count(), crisisDev.Count(c => c.Kind == CrisisCheck.Crisis),
            crisisDev.Where((c, i) => c.Kind != CrisisCheck.Crisis && crisisLabels[i] == "negative").Count(), crisisDev.Count(c => c.Kind != CrisisCheck.Crisis));
    }

    /// <summary>
    /// Trains the head for every L2, feature set and class weighting of the grid and serves the model with every threshold and shift of the grid on the dev posts.
    /// Kept: no fewer complaints and crisis reports served negative than without the head; then the fewest plain questions and
    /// announcements served negative, then the fewest `other` posts moved off negative, then the smallest shift and highest threshold.
    /// </summary>
    public Trained Choose(SentimentModel model, IReadOnlyList<IntentCheck> intent, IReadOnlyList<CrisisCheck> crisis, DateTimeOffset now)
    {
        var train = intent.Where(c => c.Split == "train").ToList();
        var dev = intent.Where(c => c.Split == "dev").ToList();
        var crisisDev = crisis.Where(c => c.Split == "dev" && c.Language == "zh").ToList();
        log.WriteLine($"Intent head: {train.Count} train posts ({train.Count(c => c.IsPlain)} plain), {dev.Count} dev posts, {crisisDev.Count} Chinese crisis-check dev posts.");
        var before = Measure(model, dev, crisisDev);
        log.WriteLine("  without the head: " + Describe(before));
        (Trained Trained, DevFigures Figures, float Threshold, float Shift, string Head)? best = null;
        foreach (var (l2, features, balanced) in L2Grid.SelectMany(l2 => new[] { HeadFeatures.All, HeadFeatures.Dense }
                     .SelectMany(f => new[] { false, true }.Select(b => (l2, f, b)))))
        {
            var (head, schema, ml) = TrainHead(model, train, l2, features, balanced);
            var linear = SentimentModel.Head(head, model.Manifest, "(in memory)", "train-intent");
            foreach (var threshold in ThresholdGrid)
            {
                foreach (var shift in ShiftGrid)
                {
                    var settings = new IntentHeadSettings(Entry, threshold, shift);
                    var candidate = model.WithIntentHead(settings, linear);
                    var figures = Measure(candidate, dev, crisisDev);
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  L2 {l2}, {features}{(balanced ? " balanced" : "")}, threshold {threshold}, shift +{shift}: ") + Describe(figures));
                    var keeps = figures.ComplaintNegative >= before.ComplaintNegative && figures.CrisisNegative >= before.CrisisNegative;
                    var better = keeps && (best is not { } b
                        || (figures.PlainNegative + figures.OrdinaryNegative, -figures.OtherNegative, shift, -threshold)
                            .CompareTo((b.Figures.PlainNegative + b.Figures.OrdinaryNegative, -b.Figures.OtherNegative, b.Shift, -b.Threshold)) < 0);
                    if (better)
                    {
                        var manifest = candidate.Manifest with { Version = $"{model.Manifest.Version}+intent-zh-{now:yyyyMMddHHmm}" };
                        best = (new Trained(candidate.WithManifest(manifest), head, schema, ml), figures, threshold, shift,
                            string.Create(CultureInfo.InvariantCulture, $"L2 {l2}, {features}{(balanced ? " balanced" : "")}"));
                        log.WriteLine("    (best so far)");
                    }
                }
            }
        }

        if (best is not { } chosen)
        {
            throw new InvalidOperationException("No intent-head setting keeps the dev complaints and crisis reports negative; nothing to ship.");
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Chosen: {chosen.Head}, threshold {chosen.Threshold}, shift +{chosen.Shift}: ") + Describe(chosen.Figures));
        return chosen.Trained;
    }

    private static string Describe(DevFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"dev plain negative {f.PlainNegative}/{f.Plain}, complaint negative {f.ComplaintNegative}/{f.Complaints}, other negative {f.OtherNegative}/{f.Other}; crisis-check zh dev: crisis negative {f.CrisisNegative}/{f.Crisis}, ordinary negative {f.OrdinaryNegative}/{f.Ordinary}");
}
