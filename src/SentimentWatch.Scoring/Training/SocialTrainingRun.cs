using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>One configuration of the sentiment v2 model (decision 120).</summary>
/// <param name="Featurizer">A key of <see cref="TrainingRun.Featurizers"/>.</param>
/// <param name="Without">Corpora left out of training (e.g. the emoticon-labelled ones).</param>
/// <param name="NeutralFromPolar">Whether the two-class corpora also teach the neutral head (as "not neutral"), with this weight of their rows (0 = no; 1 = every row).</param>
public sealed record SocialConfig(
    string Name,
    string Featurizer,
    float L2 = 0.75f,
    float NeutralL2 = 0.75f,
    float QuestionShrink = 0.5f,
    IReadOnlyList<string>? Without = null,
    float NeutralFromPolar = 0f,
    bool BalancePolarPerLanguage = false);

/// <summary>
/// Trains and measures the sentiment v2 model on the real corpora (<see cref="SocialCorpora"/>): a polarity head on every
/// negative / positive text and a neutral head on the corpora that label neutral, both calibrated L-BFGS logistic
/// regressions over one feature vector. Configurations are compared leave-one-corpus-out (each fold corpus predicted by
/// heads that never saw it, the three-way label exactly as served); the held-out test sets are measured only for the
/// configuration that is shipped, after it was chosen.
/// </summary>
public sealed class SocialTrainingRun(TextWriter log)
{
    public const string NeutralEntry = "SentimentWatch/neutral-head.zip";

    /// <summary>The leave-one-corpus-out folds: the corpora most like what the service reads (reviews, Weibo, tweets).</summary>
    public static readonly string[] Folds = ["zh-shopping", "zh-smp2020-usual", "zh-weibo-senti", "en-semeval-2016", "en-uci", "en-sentiment140"];

    public const string ShippedFeaturizer = "ngrams+lexicon+rules+cues x3, web + GloVe lexicon x0.5 + English social, Traditional folded";

    public static SocialConfig AllCorpora { get; } = new("all real corpora, neutral head on SemEval + SMP2020", ShippedFeaturizer);

    /// <summary>
    /// The shipped configuration: Sentiment140 left out. Leaving both emoticon-labelled corpora out moved the English tweet fold
    /// (SemEval 2016) up and the English review fold (UCI) a little down; the Chinese folds moved both ways with weibo_senti, which
    /// stays (models/MODEL.md, sentiment v2).
    /// </summary>
    public static SocialConfig Shipped { get; } = AllCorpora with { Name = "all real corpora but Sentiment140, neutral head on SemEval + SMP2020", Without = ["en-sentiment140"] };

    public static IReadOnlyList<SocialConfig> ExperimentConfigs { get; } =
    [
        AllCorpora,
        Shipped,
        new("without the emoticon-labelled corpora (weibo_senti, Sentiment140)", ShippedFeaturizer, Without: SocialCorpora.EmoticonLabelled),
        new("all, two-class corpora also teach 'not neutral' (×0.25 of rows)", ShippedFeaturizer, NeutralFromPolar: 0.25f),
        // Measured, not shipped (decision 185): English leave-one-corpus-out up, held-out SemEval 2017 +0.008 BA, but 14 % more
        // CPU per mention and, through the harm-shift fit, fewer crisis reports served negative.
        Shipped with { Name = "all but Sentiment140, English char 3-grams beside the word n-grams", Featurizer = ShippedFeaturizer + ", English char 3-grams" },
        // Measured, not shipped (decision 206): leave-one-corpus-out unchanged (mean BA within 0.003), the airline sample's
        // dev split +0.004 BA where the rule asked +0.01; held-out SMP2020 −0.002. The tweet corpora's positive lean moved elsewhere.
        Shipped with { Name = "all but Sentiment140, no mention feature", Featurizer = ShippedFeaturizer + ", no mention feature" },
        // Decision 208: jieba words beside the Chinese character n-grams (issue 19 item 5), measured out of fold.
        Shipped with { Name = "all but Sentiment140, jieba words beside the Chinese character n-grams", Featurizer = ShippedFeaturizer + ", jieba words" },
        // Measured, not shipped (decision 240): more hash buckets move the folds by under 0.005 for a file two or four times larger.
        Shipped with { Name = "all but Sentiment140, 2^20 buckets", Featurizer = ShippedFeaturizer + ", 2^20 buckets" },
        Shipped with { Name = "all but Sentiment140, 2^19 buckets", Featurizer = ShippedFeaturizer + ", 2^19 buckets" },
        // Measured, not shipped (decision 240): English out of fold +0.022 BA, held-out SemEval 2017 +0.009 / +0.017 and the first
        // airline sample +0.021 / +0.032, but through the harm-shift fit one English harm report fewer and one ordinary post more served
        // negative on the crisis check's test split, which the rule written before the read did not allow.
        Shipped with { Name = "all but Sentiment140, polarity classes balanced per language", BalancePolarPerLanguage = true },
    ];

    public sealed record Trained(SentimentModel Model, ITransformer Polar, ITransformer Neutral, DataViewSchema Schema, MLContext Ml);

    /// <summary>An out-of-fold prediction: both heads' logits for a text of the held-out corpus.</summary>
    public sealed record OutOfFold(float Polar, float Neutral, int Label, string Fold, bool HasNeutral);

    /// <summary>Leave-one-corpus-out figures of each configuration, as a markdown table; the shipped configuration's out-of-fold predictions are kept for <see cref="FitNeutralBias"/>.</summary>
    public string Experiments(IReadOnlyList<SentimentText> data, IReadOnlyList<SocialConfig> configs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Leave-one-corpus-out: each fold corpus predicted by heads trained on every other training corpus; three-way label as served. "
            + "BA = negative-detection balanced accuracy (label negative vs not), F1 = 3-class macro-F1 (corpora with neutral labels). "
            + "Rows 'neutral bias fitted out of fold': each fold's label with the neutral bias fitted on the other folds' predictions.").AppendLine();
        sb.AppendLine("| configuration | " + string.Join(" | ", Folds.Select(f => $"{f} BA{(HasNeutral(data, f) ? " / F1" : "")}")) + " | mean BA zh | mean BA en | mean F1 |");
        sb.AppendLine("|---|" + string.Concat(Folds.Select(_ => "---|")) + "---|---|---|");
        foreach (var config in configs)
        {
            var oof = LeaveOneCorpusOut(data, config);
            sb.AppendLine(Row(config.Name, oof, _ => 0f));
            sb.AppendLine(Row(config.Name + ", neutral bias fitted out of fold", oof, fold => FitNeutralBias(oof.Where(r => r.Fold != fold).ToList())));
            // Per language, nested: a fold's bias is fitted on the other folds of its language only.
            sb.AppendLine(Row(config.Name + ", neutral bias per language fitted out of fold", oof,
                fold => FitNeutralBias(oof.Where(r => r.Fold != fold && r.Fold[..2] == fold[..2]).ToList())));
            if (config == Shipped)
            {
                ShippedOutOfFold = oof;
            }
        }

        return sb.ToString();
    }

    /// <summary>The shipped configuration's out-of-fold predictions, once <see cref="Experiments"/> or <see cref="LeaveOneCorpusOut"/> ran it.</summary>
    public IReadOnlyList<OutOfFold>? ShippedOutOfFold { get; private set; }

    /// <summary>Each fold corpus predicted by both heads trained without it.</summary>
    public IReadOnlyList<OutOfFold> LeaveOneCorpusOut(IReadOnlyList<SentimentText> data, SocialConfig config)
    {
        var clock = Stopwatch.StartNew();
        var rows = new List<OutOfFold>();
        foreach (var fold in Folds.Where(f => config.Without?.Contains(f) != true))
        {
            var train = data.Where(t => !t.Test && t.Corpus != fold).ToList();
            var held = data.Where(t => t.Corpus == fold).ToList();
            var model = Train(train, config).Model;
            var features = Features(config.Featurizer, held);
            for (var i = 0; i < held.Count; i++)
            {
                var (polar, neutral) = model.Logits(features[i].Indices, features[i].Values);
                rows.Add(new OutOfFold(polar, neutral, held[i].Label, fold, held[i].HasNeutral));
            }

            Row($"  {config.Name} — {fold} ({clock.Elapsed.TotalSeconds:F0}s)", rows.Where(r => r.Fold == fold).ToList(), _ => 0f);
        }

        if (config == Shipped)
        {
            ShippedOutOfFold = rows;
        }

        return rows;
    }

    /// <summary>Per language (the folds' language: zh-…, en-…), the neutral bias <see cref="FitNeutralBias"/> fits on that language's folds.</summary>
    public static IReadOnlyDictionary<string, float> FitLanguageBias(IReadOnlyList<OutOfFold> rows) =>
        rows.GroupBy(r => r.Fold[..2]).ToDictionary(g => g.Key, g => FitNeutralBias(g.ToList()), StringComparer.Ordinal);

    /// <summary>The leave-one-corpus-out folds that are customer reviews (decision 209): the review genre's bias is fitted on them.</summary>
    public static readonly IReadOnlyList<string> ReviewFolds = ["zh-shopping", "en-uci"];

    /// <summary>How much out-of-fold BA the review bias may give up to keep more neutral answers (decision 209).</summary>
    public const double ReviewBiasTolerance = 0.002;

    /// <summary>
    /// The review genre's neutral bias per language (decision 209): on the grid, the highest bias whose mean negative-detection BA over the
    /// language's review folds is within <see cref="ReviewBiasTolerance"/> of the grid's best. Review corpora carry no neutral label, so
    /// BA alone would push the bias to the grid's floor (never neutral); the tolerance keeps neutral where it costs nothing measurable.
    /// </summary>
    public static IReadOnlyDictionary<string, float> FitReviewBias(IReadOnlyList<OutOfFold> rows)
    {
        var result = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var language in rows.Where(r => ReviewFolds.Contains(r.Fold)).GroupBy(r => r.Fold[..2]))
        {
            var languageRows = language.ToList();
            var grid = new List<(float Bias, double Ba)>();
            for (var bias = -3f; bias <= 1.01f; bias += 0.25f)
            {
                grid.Add((bias, Figures(languageRows, bias).Ba.Values.Average()));
            }

            var best = grid.Max(g => g.Ba);
            result[language.Key] = grid.Where(g => g.Ba >= best - ReviewBiasTolerance - 1e-12).Max(g => g.Bias);
        }

        return result;
    }

    /// <summary>The neutral bias (from a fixed grid) that maximises mean negative-detection BA over the folds plus mean macro-F1 over the folds with neutral labels.</summary>
    public static float FitNeutralBias(IReadOnlyList<OutOfFold> rows)
    {
        var best = (Bias: 0f, Score: double.MinValue);
        if (rows.Count == 0)
        {
            return 0f;
        }

        for (var bias = -3f; bias <= 1.01f; bias += 0.25f)
        {
            var (ba, f1) = Figures(rows, bias);
            var score = ba.Values.Average() + (f1.Count == 0 ? 0 : f1.Values.Average());
            if (score > best.Score + 1e-9)
            {
                best = (bias, score);
            }
        }

        return best.Bias;
    }

    /// <summary>
    /// Per language, the out-of-fold figures of each neutral bias of <see cref="FitNeutralBias"/>'s grid (decision 207): every fold's
    /// negative-detection BA and, where it labels neutral, macro-F1, so a choice of bias can be read off out of fold.
    /// </summary>
    public static IEnumerable<string> BiasSweep(IReadOnlyList<OutOfFold> rows)
    {
        foreach (var language in rows.GroupBy(r => r.Fold[..2]))
        {
            var languageRows = language.ToList();
            for (var bias = -3f; bias <= 1.01f; bias += 0.25f)
            {
                var (ba, f1) = Figures(languageRows, bias);
                yield return string.Create(CultureInfo.InvariantCulture, $"  {language.Key} bias {bias:+0.00;-0.00}: ")
                    + string.Join(", ", ba.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => string.Create(CultureInfo.InvariantCulture,
                        $"{b.Key} BA {b.Value:F3}{(f1.TryGetValue(b.Key, out var f) ? string.Create(CultureInfo.InvariantCulture, $" F1 {f:F3}") : "")}")))
                    + string.Create(CultureInfo.InvariantCulture, $"; mean BA {ba.Values.Average():F3}");
            }
        }
    }

    private static (Dictionary<string, double> Ba, Dictionary<string, double> F1) Figures(IReadOnlyList<OutOfFold> rows, float bias)
    {
        var ba = new Dictionary<string, double>(StringComparer.Ordinal);
        var f1 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fold in rows.GroupBy(r => r.Fold))
        {
            var actual = fold.Select(r => Evaluation.SentimentClasses[r.Label]).ToList();
            var predicted = fold.Select(r => Core.Scoring.SentimentScore.ToWire(SentimentModel.LabelOf(SentimentModel.Combine(r.Polar, r.Neutral + bias)))).ToList();
            ba[fold.Key] = Metrics.BalancedAccuracy(actual.Select(a => a == "negative").ToList(), predicted.Select(p => p == "negative").ToList());
            if (fold.First().HasNeutral)
            {
                f1[fold.Key] = Metrics.MacroF1(actual, predicted, Evaluation.SentimentClasses);
            }
        }

        return (ba, f1);
    }

    private string Row(string name, IReadOnlyList<OutOfFold> rows, Func<string, float> biasFor)
    {
        var ba = new Dictionary<string, double>(StringComparer.Ordinal);
        var f1 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fold in rows.Select(r => r.Fold).Distinct())
        {
            var (b, f) = Figures(rows.Where(r => r.Fold == fold).ToList(), biasFor(fold));
            ba[fold] = b[fold];
            if (f.TryGetValue(fold, out var value))
            {
                f1[fold] = value;
            }
        }

        var cells = Folds.Select(f => !ba.TryGetValue(f, out var b) ? "–" : f1.TryGetValue(f, out var x) ? $"{Fmt(b)} / {Fmt(x)}" : Fmt(b));
        var zh = ba.Where(p => p.Key.StartsWith("zh", StringComparison.Ordinal)).Select(p => p.Value).DefaultIfEmpty(double.NaN).Average();
        var en = ba.Where(p => p.Key.StartsWith("en", StringComparison.Ordinal)).Select(p => p.Value).DefaultIfEmpty(double.NaN).Average();
        var line = $"| {name} | {string.Join(" | ", cells)} | {Fmt(zh)} | {Fmt(en)} | {Fmt(f1.Values.DefaultIfEmpty(double.NaN).Average())} |";
        log.WriteLine(line);
        return line;
    }

    /// <summary>Negative-detection balanced accuracy and (when the texts label neutral) 3-class macro-F1 of the served label.</summary>
    public static (double BalancedAccuracy, double? MacroF1) Measure(SentimentModel model, IReadOnlyList<SentimentText> texts)
    {
        var predicted = Labels(model, texts.Select(t => t.Text).ToList());
        var actual = texts.Select(t => Evaluation.SentimentClasses[t.Label]).ToList();
        var ba = Metrics.BalancedAccuracy(actual.Select(a => a == "negative").ToList(), predicted.Select(p => p == "negative").ToList());
        double? f1 = texts.Any(t => t.HasNeutral) ? Metrics.MacroF1(actual, predicted, Evaluation.SentimentClasses) : null;
        return (ba, f1);
    }

    /// <summary>The served three-way labels (same code as the scorer: <see cref="SentimentModel.Probabilities(FeatureVector, string, string)"/>).</summary>
    public static List<string> Labels(SentimentModel model, IReadOnlyList<string> texts) =>
        texts.AsParallel().AsOrdered().Select(text =>
        {
            var vector = new FeatureVector();
            var prepared = model.Featurizer.Prepare(text);
            model.Featurizer.FeaturizeNormalized(prepared, vector, text);
            return Core.Scoring.SentimentScore.ToWire(SentimentModel.LabelOf(model.Probabilities(vector, prepared, Core.Mentions.LanguageDetector.Detect(text))));
        }).ToList();

    /// <summary>Trains both heads of a configuration on the given texts.</summary>
    public Trained Train(IReadOnlyList<SentimentText> train, SocialConfig config, DateTimeOffset? now = null)
    {
        var settings = TrainingRun.Featurizers[config.Featurizer];
        var features = Features(config.Featurizer, train);
        var usable = Enumerable.Range(0, train.Count).Where(i => config.Without?.Contains(Root(train[i].Corpus)) != true).ToList();
        var polarTexts = usable.Where(i => train[i].Label != SentimentText.Neutral).ToList();
        var polarRows = polarTexts.Select(i => features[i] with { Positive = train[i].Label == SentimentText.Positive }).ToList();
        if (config.BalancePolarPerLanguage)
        {
            // The rarer polarity of each language repeated a whole number of times, near the other's count (English 2.3 : 1 becomes
            // 1.15 : 1): roughly what class weights would do.
            var extra = new List<FeatureData.FeaturizedText>();
            foreach (var language in polarTexts.GroupBy(i => train[i].Language))
            {
                var positives = language.Count(i => train[i].Label == SentimentText.Positive);
                var negatives = language.Count() - positives;
                var rarePositive = positives < negatives;
                var times = (int)Math.Round((double)Math.Max(positives, negatives) / Math.Max(1, Math.Min(positives, negatives))) - 1;
                foreach (var i in language.Where(i => (train[i].Label == SentimentText.Positive) == rarePositive))
                {
                    extra.AddRange(Enumerable.Repeat(features[i] with { Positive = rarePositive }, times));
                }
            }

            polarRows.AddRange(extra);
        }

        var neutralRows = usable.Where(i => train[i].HasNeutral
                || (config.NeutralFromPolar > 0 && TrainingRun.StableHash(train[i].Text) % 1000 < config.NeutralFromPolar * 1000))
            .Select(i => features[i] with { Positive = train[i].Label == SentimentText.Neutral }).ToList();
        var ml = new MLContext(seed: 1);
        var polarView = ml.Data.Cache(FeatureData.Binary(ml, settings.VectorSize, polarRows));
        var (polar, schema) = SentimentTrainer.Train(ml, polarView, SentimentTrainer.Lbfgs, config.L2, 0f, tolerance: 1e-5f);
        var neutralView = ml.Data.Cache(FeatureData.Binary(ml, settings.VectorSize, neutralRows));
        var (neutral, _) = SentimentTrainer.Train(ml, neutralView, SentimentTrainer.Lbfgs, config.NeutralL2, 0f, tolerance: 1e-5f);
        var at = now ?? DateTimeOffset.UnixEpoch;
        var manifest = new ModelManifest(ModelManifest.SentimentKind, $"sentiment-v2-lbfgs-{at:yyyyMMddHHmm}", settings, SentimentTrainer.Lbfgs, ["negative", "neutral", "positive"], at,
            Blend: CrossDomainRun.Identity(config.QuestionShrink), NeutralHead: new NeutralHeadSettings(NeutralEntry));
        return new Trained(SentimentModel.FromHeads(polar, neutral, manifest), polar, neutral, schema, ml);
    }

    /// <summary>Saves a trained model (with the harm shifts fitted after training) as a model zip.</summary>
    public static SentimentModel Save(Trained trained, NeutralHeadSettings head, string path)
    {
        var manifest = trained.Model.Manifest with { NeutralHead = head };
        ModelFile.Save(trained.Ml, trained.Polar, trained.Schema, manifest, path, new Dictionary<string, ITransformer> { [head.Entry] = trained.Neutral });
        return SentimentModel.Load(trained.Ml, path, "--output");
    }

    /// <summary>
    /// The smallest harm shifts (from a fixed grid) that make the dev crisis reports come out negative at least as often as
    /// <paramref name="target"/>, preferring those that leave the dev questions / announcements least negative.
    /// </summary>
    public NeutralHeadSettings FitHarmShifts(SentimentModel model, IReadOnlyList<string> devCrisis, IReadOnlyList<string> devOrdinary, double target = 0.9)
    {
        var grid = new[] { 0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f };
        (float Polar, float Neutral, double Crisis, double Ordinary)? best = null;
        foreach (var polar in grid)
        {
            foreach (var neutral in grid)
            {
                var candidate = model.WithManifest(model.Manifest with { NeutralHead = model.Manifest.NeutralHead! with { HarmPolarShift = -polar, HarmNeutralShift = -neutral } });
                var crisis = Labels(candidate, devCrisis).Count(l => l == "negative") / (double)Math.Max(1, devCrisis.Count);
                var ordinary = Labels(candidate, devOrdinary).Count(l => l == "negative") / (double)Math.Max(1, devOrdinary.Count);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  harm shift polar −{polar}, neutral −{neutral}: dev crisis negative {crisis:F3}, dev ordinary negative {ordinary:F3}"));
                var reaches = crisis >= target;
                var better = best is not { } b
                    || (reaches && b.Crisis < target)
                    || (reaches == (b.Crisis >= target) && (reaches
                        ? (ordinary < b.Ordinary || (ordinary == b.Ordinary && polar + neutral < b.Polar + b.Neutral))
                        : crisis - ordinary > b.Crisis - b.Ordinary));
                if (better)
                {
                    best = (polar, neutral, crisis, ordinary);
                }
            }
        }

        var chosen = best!.Value;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Harm shifts chosen: polar −{chosen.Polar}, neutral −{chosen.Neutral} (dev crisis negative {chosen.Crisis:F3}, dev ordinary negative {chosen.Ordinary:F3})"));
        return model.Manifest.NeutralHead! with { HarmPolarShift = -chosen.Polar, HarmNeutralShift = -chosen.Neutral };
    }

    private static string Root(string corpus) =>
        corpus.StartsWith("zh-smp2020", StringComparison.Ordinal) ? "zh-smp2020"
        : corpus.StartsWith("en-semeval", StringComparison.Ordinal) ? "en-semeval"
        : corpus == "zh-shopping-food" ? "zh-shopping" : corpus;

    private static bool HasNeutral(IReadOnlyList<SentimentText> data, string corpus) => data.Any(t => t.Corpus == corpus && t.HasNeutral);

    private static string Fmt(double x) => double.IsNaN(x) ? "–" : x.ToString("F3", CultureInfo.InvariantCulture);

    private FeatureData.FeaturizedText[] Features(string featurizerName, IReadOnlyList<SentimentText> texts)
    {
        // Featurized once per text and featurizer, whatever subset a fold asks for.
        var cache = _cache.TryGetValue(featurizerName, out var c) ? c : _cache[featurizerName] = new Dictionary<string, FeatureData.FeaturizedText>(StringComparer.Ordinal);
        var featurizer = new TextFeaturizer(TrainingRun.Featurizers[featurizerName], SentimentLexicon.For(TrainingRun.Featurizers[featurizerName]));
        var missing = texts.Select(t => t.Text).Where(t => !cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var (text, featurized) in missing.AsParallel().Select(t =>
                 {
                     var (indices, values) = featurizer.FeaturizeToArrays(t);
                     return (t, new FeatureData.FeaturizedText(indices, values, false));
                 }).ToList())
        {
            cache[text] = featurized;
        }

        return texts.Select(t => cache[t.Text]).ToArray();
    }

    private readonly Dictionary<string, Dictionary<string, FeatureData.FeaturizedText>> _cache = new(StringComparer.Ordinal);
}
