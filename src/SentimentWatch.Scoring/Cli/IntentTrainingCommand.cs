using System.CommandLine;
using Microsoft.ML;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Cli;

/// <summary>
/// <c>train-intent</c>: adds the Chinese intent head (decision 210) to a trained sentiment v2 model. The polarity and neutral
/// heads are copied unchanged; the intent head learns from the intent set's train split, and its threshold and shift are chosen on
/// the dev splits of the intent set and the crisis check. No test split is read.
/// </summary>
public static class IntentTrainingCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Required = true, Description = "The sentiment v2 model (sentiment.zip) to add the head to." };
        var data = new Option<DirectoryInfo>("--data") { Required = true, Description = "../shared/data (where the sets' posts are looked up)." };
        var intent = new Option<FileInfo>("--intent") { Required = true, Description = "The intent set (intent-check.tsv): train split fits the head, dev split chooses it." };
        var crisis = new Option<FileInfo>("--crisis") { Required = true, Description = "The crisis check (crisis-check.tsv): its Chinese dev split also chooses the head." };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the model with the head (may be --model itself)." };
        var command = new Command("train-intent", "Add the Chinese question/announcement intent head to a sentiment v2 model (decision 210).") { model, data, intent, crisis, output };
        command.SetAction((r, ct) =>
        {
            var log = Console.Error;
            var ml = new MLContext(seed: 1);
            var input = r.GetValue(model)!.FullName;
            try
            {
                var sentiment = SentimentModel.Load(ml, input, "--model");
                if (!sentiment.HasNeutralHead)
                {
                    log.WriteLine($"--model: '{input}' has no neutral head; the intent head needs a sentiment v2 model (train-sentiment).");
                    return Task.FromResult(2);
                }

                // A model that already has a head is trained again from its own heads: the old intent head is left out.
                sentiment = sentiment.WithManifest(sentiment.Manifest with { IntentHead = null, Version = sentiment.Manifest.Version.Split("+intent-zh-")[0] });
                var dataDir = r.GetValue(data)!.FullName;
                var items = IntentCheck.Load(r.GetValue(intent)!.FullName, dataDir);
                var checks = CrisisCheck.Load(r.GetValue(crisis)!.FullName, dataDir);
                var trained = new IntentTraining(log).Choose(sentiment, items, checks, DateTimeOffset.UtcNow);
                var path = r.GetValue(output)!.FullName;
                if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(input), StringComparison.Ordinal))
                {
                    File.Copy(input, path, overwrite: true);
                }

                ModelFile.AddEntries(trained.Ml, path, trained.Schema, trained.Model.Manifest, new Dictionary<string, ITransformer> { [IntentTraining.Entry] = trained.Head });
                var written = SentimentModel.Load(ml, path, "--output");
                log.WriteLine($"Wrote {path} ({written.Manifest.Version}, {new FileInfo(path).Length / 1024} KB).");
                log.Write(IntentCheck.Report(written, items, "dev"));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ModelFileException or InvalidDataException or InvalidOperationException)
            {
                log.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }
}
