using System.CommandLine;
using System.Globalization;
using System.Text;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Cli;

/// <summary>
/// <c>train-sentiment</c>: the sentiment v2 model on the real corpora (decision 120). Trains only sentiment.zip, so the
/// topic model (trained by <c>train</c>) is untouched.
/// </summary>
public static class SentimentTrainingCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Required = true, Description = "../shared/data (the corpora of its README)." };
        var output = new Option<DirectoryInfo>("--output") { Required = true, Description = "Folder to write sentiment.zip into." };
        var crisis = new Option<FileInfo>("--crisis") { Required = true, Description = "Crisis / ordinary-post evaluation set (crisis-check.tsv): held out of training; its dev split fits the harm shifts." };
        var experiments = new Option<bool>("--experiments") { Description = "Also compare the configurations leave-one-corpus-out (writes experiments-v2.md; tens of minutes)." };
        var matching = new Option<string?>("--experiments-matching") { Description = "Only the experiment configurations whose name contains this text." };
        var corrections = new Option<FileInfo?>("--corrections") { Description = "Analysts' corrections (export-corrections output): corrected sentiments join the training rows, each counted 10 times." };
        var experimentsOnly = new Option<bool>("--experiments-only") { Description = "With --experiments: stop after the comparison (no shipped model trained or written)." };
        var outOfFold = new Option<FileInfo?>("--out-of-fold") { Description = "Write the shipped configuration's leave-one-corpus-out logits to this file (TSV: fold, label 0 negative / 1 neutral / 2 positive, hasNeutral, polar logit, neutral logit; what the neutral biases are fitted on, decision 240) and stop before training." };
        var command = new Command("train-sentiment", "Train the sentiment v2 model (polarity + learned neutral head) on the real corpora.") { data, output, crisis, experiments, matching, corrections, experimentsOnly, outOfFold };
        command.SetAction((r, ct) =>
        {
            var log = Console.Error;
            var outDir = r.GetValue(output)!.FullName;
            Directory.CreateDirectory(outDir);
            var checks = CrisisCheck.Load(r.GetValue(crisis)!.FullName, r.GetValue(data)!.FullName);
            var corpora = CrisisCheck.Corpora(r.GetValue(data)!.FullName, checks);
            log.WriteLine("Loaded " + string.Join(", ", corpora.GroupBy(t => t.Corpus).Select(g => $"{g.Key} {g.Count()}")) + $"; {checks.Count} crisis-check items held out.");
            var run = new SocialTrainingRun(log);
            if (r.GetValue(experiments))
            {
                var only = r.GetValue(matching);
                var configs = SocialTrainingRun.ExperimentConfigs.Where(c => only is null || c.Name.Contains(only, StringComparison.Ordinal)).ToList();
                var table = run.Experiments(corpora, configs);
                File.WriteAllText(Path.Combine(outDir, "experiments-v2.md"), "# Sentiment v2 experiments (train-sentiment --experiments)\n\n" + table);
                if (r.GetValue(experimentsOnly))
                {
                    log.Write(table);
                    if (r.GetValue(outOfFold) is null)
                    {
                        return Task.FromResult(0);
                    }
                }
            }

            // The neutral bias is fitted on the shipped configuration's leave-one-corpus-out predictions (never a test set).
            var oof = run.ShippedOutOfFold ?? run.LeaveOneCorpusOut(corpora, SocialTrainingRun.Shipped);
            if (r.GetValue(outOfFold) is { } oofFile)
            {
                File.WriteAllLines(oofFile.FullName, ["fold\tlabel\thasNeutral\tpolar\tneutral",
                    .. oof.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Fold}\t{o.Label}\t{o.HasNeutral}\t{o.Polar:R}\t{o.Neutral:R}"))]);
                log.WriteLine($"Wrote {oof.Count} out-of-fold rows to {oofFile.FullName}.");
                return Task.FromResult(0);
            }

            var now = DateTimeOffset.UtcNow;
            var bias = SocialTrainingRun.FitNeutralBias(oof);
            var byLanguage = SocialTrainingRun.FitLanguageBias(oof);
            var reviews = SocialTrainingRun.FitReviewBias(oof);
            log.WriteLine($"Neutral bias fitted out of fold: {bias:+0.00;-0.00}; per language: " + string.Join(", ", byLanguage.Select(b => $"{b.Key} {b.Value:+0.00;-0.00}"))
                + "; reviews (decision 209): " + string.Join(", ", reviews.Select(b => $"{b.Key} {b.Value:+0.00;-0.00}")));
            log.WriteLine("Out-of-fold figures per neutral bias:");
            foreach (var line in SocialTrainingRun.BiasSweep(oof))
            {
                log.WriteLine(line);
            }

            List<SentimentText> corrected = [];
            Models.CorrectionsSource? source = null;
            if (r.GetValue(corrections) is { } correctionsFile)
            {
                var (export, sha) = Corrections.CorrectionsExport.Read(correctionsFile.FullName);
                // Never a held-out or crisis-check text: those measure the model.
                var held = corpora.Where(t => t.Test).Select(t => t.Text).Concat(checks.Select(c => c.Text)).ToHashSet(StringComparer.Ordinal);
                corrected = CorrectionsCommands.SentimentRows(export).Where(t => !held.Contains(t.Text)).ToList();
                source = Corrections.CorrectionsExport.Source(correctionsFile.FullName, sha, export.Count, corrected.Count, CorrectionsCommands.SentimentCorrectionWeight);
                log.WriteLine($"Corrections: {export.Count} corrected mentions from {correctionsFile.FullName} (sha256 {sha}); {corrected.Count} with a sentiment, each counted {CorrectionsCommands.SentimentCorrectionWeight} times.");
            }

            log.WriteLine($"Training {SocialTrainingRun.Shipped.Name} on {corpora.Count(t => !t.Test)} texts{(corrected.Count > 0 ? $" and {corrected.Count} corrections" : "")} ...");
            var trained = run.Train([.. corpora.Where(t => !t.Test), .. corrected.SelectMany(t => Enumerable.Repeat(t, CorrectionsCommands.SentimentCorrectionWeight))], SocialTrainingRun.Shipped, now);
            trained = trained with { Model = trained.Model.WithManifest(trained.Model.Manifest with { Corrections = source }) };
            var biased = trained.Model.WithManifest(trained.Model.Manifest with { NeutralHead = trained.Model.Manifest.NeutralHead! with
            {
                NeutralBias = bias,
                LanguageBias = byLanguage,
                GenreBias = reviews.Count == 0 ? null : new Dictionary<string, IReadOnlyDictionary<string, float>>(StringComparer.Ordinal) { [Models.SourceGenres.Reviews] = reviews },
            } });
            var dev = checks.Where(c => c.Split == "dev").ToList();
            var head = run.FitHarmShifts(biased, [.. dev.Where(c => c.Kind == CrisisCheck.Crisis).Select(c => c.Text)], [.. dev.Where(c => c.Kind != CrisisCheck.Crisis).Select(c => c.Text)]);
            var model = SocialTrainingRun.Save(trained, head, Path.Combine(outDir, "sentiment.zip"));
            Drift.LabelDistribution.Merge(Path.Combine(outDir, "label-distribution.json"),
                Drift.LabelDistribution.FromCounts(CorrectionsCommands.SentimentCounts(corpora, corrected), [], sentimentModel: model.Manifest.Version), null);
            log.WriteLine($"Wrote {Path.Combine(outDir, "sentiment.zip")} ({model.Manifest.Version}). Held-out test sets:");
            log.Write(HeldOutReport(model, corpora, checks));
            // The care genre is fitted on labelled care posts, which no corpus here holds (decision 214): a retrained model has none,
            // and a service that serves a source as care refuses it at start-up until `fit-genre` has run on it.
            log.WriteLine($"This model serves the genres social and reviews. Sources served as care (Scoring:SourceGenres; the default configuration names "
                + $"email-gateway and app-feedback) need `fit-genre --model {Path.Combine(outDir, "sentiment.zip")} --genre care --language en --data <labelled care posts> "
                + $"--output {Path.Combine(outDir, "sentiment.zip")}` before it is served (models/MODEL.md, decision 214).");
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The model on the held-out test sets of the corpora and on the crisis check's test split.</summary>
    public static string HeldOutReport(SentimentModel model, IReadOnlyList<SentimentText> corpora, IReadOnlyList<CrisisCheck> checks)
    {
        var sb = new StringBuilder();
        foreach (var group in corpora.Where(t => t.Test).GroupBy(t => t.Corpus))
        {
            var (ba, f1) = SocialTrainingRun.Measure(model, group.ToList());
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{group.Key} ({group.Count()} texts): negative-detection BA {ba:F3}{(f1 is { } f ? $", 3-class macro-F1 {f:F3}" : "")}"));
        }

        sb.Append(CrisisCheck.Report(model, checks, "test"));
        return sb.ToString();
    }
}
