using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Scoring.Drift;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;
using SentimentWatch.Storage;

namespace SentimentWatch.Scoring.Cli;

/// <summary>
/// The analysts' corrections on the command line (decision 161): <c>export-corrections</c> writes them from the state
/// store to the file <c>train --corrections</c>, <c>train-sentiment --corrections</c> and <c>evaluate --corrections</c>
/// read; <c>label-distribution</c> writes the training labels' shares next to the models for the drift check (decision 162).
/// </summary>
public static class CorrectionsCommands
{
    /// <summary>Times each corrected text counts in sentiment training (corpus labels count once).</summary>
    public const int SentimentCorrectionWeight = 10;

    public static Command Export(Func<string[], IHost> buildHost)
    {
        var output = new Option<FileInfo>("--output") { Required = true, Description = "The JSON-lines file to write (training data: keep it out of the repository)." };
        var command = new Command("export-corrections", "Write the analysts' label corrections from the state store to a file training and evaluation read.") { output };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (r, ct) =>
        {
            using var host = buildHost([.. r.UnmatchedTokens]);
            var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.Provider == StateStoreProvider.Sqlite && !File.Exists(storage.StateDatabasePath))
            {
                await Console.Error.WriteLineAsync($"export-corrections: no state store at {storage.StateDatabasePath}; check Storage:DataDirectory (e.g. --Storage:DataDirectory=/srv/sentimentwatch/data).");
                return 2;
            }

            var factory = host.Services.GetRequiredService<IDbContextFactory<LabelCorrectionsDbContext>>();
            await using var db = await factory.CreateDbContextAsync(ct);
            // A store written before corrections existed has no table yet: creating it is what the service does at start.
            await db.Database.MigrateAsync(ct);
            var history = await db.Corrections.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);
            var corrections = CorrectionsExport.FromHistory(history);
            var path = r.GetValue(output)!.FullName;
            var sha = CorrectionsExport.Write(path, corrections);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"export-corrections: {corrections.Count} corrected mentions ({history.Count} corrections; sentiment {corrections.Count(c => c.Sentiment is not null)}, topic {corrections.Count(c => c.Topic is not null)}) written to {path}, sha256 {sha}"));
            return 0;
        });
        return command;
    }

    public static Command LabelDistributionCommand()
    {
        var data = new Option<DirectoryInfo>("--data") { Required = true, Description = "../shared/data: the corpora the models were trained on." };
        var models = new Option<DirectoryInfo>("--models") { DefaultValueFactory = _ => new DirectoryInfo("models"), Description = "The model folder (its topic-lexicon.tsv gives the weak labels); label-distribution.json is written there." };
        var command = new Command("label-distribution", "Write the training labels' shares (label-distribution.json) next to models trained before training wrote it.") { data, models };
        command.SetAction((r, ct) =>
        {
            var log = Console.Error;
            var dataDir = r.GetValue(data)!.FullName;
            var modelDir = r.GetValue(models)!.FullName;
            var sentimentModel = Models.ModelFile.ReadManifest(Path.Combine(modelDir, "sentiment.zip"), "--models").Version;
            var topicModel = Models.ModelFile.ReadManifest(Path.Combine(modelDir, "topic.zip"), "--models").Version;
            var sentiment = SentimentCounts(SocialCorpora.Load(dataDir), []);
            var topics = new TopicTraining(log);
            var lexicon = TopicLexicon.Load(Path.Combine(modelDir, "topic-lexicon.tsv"));
            var weak = topics.WeakLabels(lexicon, ComplaintCorpora.LoadNegative(dataDir, log));
            var topicCounts = topics.Balance(weak).Distinct().GroupBy(x => x.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
            var written = LabelDistribution.Merge(Path.Combine(modelDir, "label-distribution.json"),
                LabelDistribution.FromCounts(sentiment, [], sentimentModel: sentimentModel),
                LabelDistribution.FromCounts([], topicCounts, topicModel: topicModel));
            Console.Out.WriteLine($"label-distribution: {written.SentimentCount:N0} sentiment and {written.TopicCount:N0} topic training rows; written to {Path.Combine(modelDir, "label-distribution.json")}");
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Label counts of the rows sentiment v2 trains on (the shipped configuration's corpora, no test sets) plus corrections.</summary>
    public static IReadOnlyDictionary<string, long> SentimentCounts(IReadOnlyList<SentimentText> corpora, IReadOnlyList<SentimentText> corrections) =>
        corpora.Where(t => !t.Test && SocialTrainingRun.Shipped.Without?.Contains(t.Corpus) != true).Concat(corrections)
            .GroupBy(t => Evaluation.SentimentClasses[t.Label], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    /// <summary>Corrected sentiments as training rows of their own corpus ("corrections"), not yet repeated.</summary>
    public static List<SentimentText> SentimentRows(IReadOnlyList<CorrectedText> corrections) =>
        [.. corrections
            .Where(c => SentimentScore.TryParse(c.Sentiment, out _))
            .Select(c =>
            {
                SentimentScore.TryParse(c.Sentiment, out var label);
                return new SentimentText(c.Text, label switch { SentimentLabel.Negative => SentimentText.Negative, SentimentLabel.Neutral => SentimentText.Neutral, _ => SentimentText.Positive },
                    c.Language, "corrections", false, true);
            })];

    /// <summary>Corrected topics as examples (the topic training weighs them by <see cref="TopicTraining.CorrectionWeight"/>).</summary>
    public static IReadOnlyList<TopicExample> TopicRows(IReadOnlyList<CorrectedText> corrections) =>
        [.. corrections.Where(c => c.Topic is not null).Select(c => new TopicExample(c.Text, c.Topic!))];

    /// <summary>
    /// The served labels (the model folder's sentiment and topic models and keywords, as <see cref="ModelScorer"/> decides)
    /// against the analysts' corrections.
    /// </summary>
    public static string Report(string modelDirectory, string correctionsPath)
    {
        var (corrections, sha) = CorrectionsExport.Read(correctionsPath);
        var scorer = ModelScorer.Load(new ScoringOptions { ModelDirectory = modelDirectory });
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {scorer.ModelVersion} on the analysts' corrections ({Path.GetFileName(correctionsPath)}, {corrections.Count} mentions, sha256 {sha})").AppendLine();
        sb.AppendLine("A live, real-traffic test set, biased toward the model's mistakes: analysts correct what they noticed was wrong, and "
            + "seldom confirm what was right, so these figures read low against a random sample. A model trained with these corrections "
            + "(train --corrections) has seen them: measure it on a newer export.").AppendLine();

        var sentiment = corrections.Where(c => SentimentScore.TryParse(c.Sentiment, out _)).ToList();
        var sentimentTopics = scorer.Score([.. sentiment.Select(c => c.Text)]);
        if (sentiment.Count > 0)
        {
            var actual = sentiment.Select(c => c.Sentiment!.ToLowerInvariant()).ToList();
            var predicted = sentimentTopics.Select(s => SentimentScore.ToWire(s!.Sentiment.Label)).ToList();
            sb.AppendLine("## Sentiment").AppendLine();
            sb.AppendLine("| language | corrected | accuracy now | macro-F1 now | negative-detection BA now | the model at correction time agreed |");
            sb.AppendLine("|---|---|---|---|---|---|");
            foreach (var group in Enumerable.Range(0, sentiment.Count).GroupBy(i => sentiment[i].Language).OrderBy(g => g.Key, StringComparer.Ordinal).Append(Enumerable.Range(0, sentiment.Count).GroupBy(_ => "all").Single()))
            {
                var a = group.Select(i => actual[i]).ToList();
                var p = group.Select(i => predicted[i]).ToList();
                var then = group.Count(i => string.Equals(sentiment[i].ModelSentiment, actual[i], StringComparison.OrdinalIgnoreCase));
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {group.Key} | {a.Count} | {Accuracy(a, p):F3} | {Metrics.MacroF1(a, p, Evaluation.SentimentClasses):F3} | {Ba(a, p)} | {then}/{a.Count} |"));
            }

            sb.AppendLine();
        }

        var topics = corrections.Where(c => c.Topic is not null).ToList();
        var known = topics.Where(c => scorer.Topic.Topics.Contains(c.Topic!)).ToList();
        if (topics.Count > 0)
        {
            var served = scorer.Score([.. known.Select(c => c.Text)]);
            var actual = known.Select(c => c.Topic!).ToList();
            var predicted = served.Select(s => s!.Topic?.Topic ?? ComplaintTopics.Other).ToList();
            var then = known.Count(c => c.ModelTopic == c.Topic);
            sb.AppendLine("## Complaint topic").AppendLine();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{known.Count} corrections in the default taxonomy ({topics.Count - known.Count} of watches' own taxonomies not measured here): accuracy now {Accuracy(actual, predicted):F3}, "
                + $"macro-F1 {Metrics.MacroF1(actual, predicted, [.. scorer.Topic.Topics]):F3}; the model at correction time agreed on {then}/{known.Count}."));
        }

        return sb.ToString();
    }

    private static double Accuracy(IReadOnlyList<string> actual, IReadOnlyList<string> predicted) =>
        actual.Count == 0 ? double.NaN : actual.Where((a, i) => a == predicted[i]).Count() / (double)actual.Count;

    private static string Ba(IReadOnlyList<string> actual, IReadOnlyList<string> predicted) =>
        actual.Distinct().Count(a => a == "negative") == 0 || actual.All(a => a == "negative")
            ? "– (one class)"
            : Metrics.BalancedAccuracy([.. actual.Select(a => a == "negative")], [.. predicted.Select(p => p == "negative")]).ToString("F3", CultureInfo.InvariantCulture);
}
