using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Cli;

/// <summary>
/// <c>fit-genre</c>: fits a genre's neutral bias, polar shift and cue shift for one language on a labelled file of that genre's posts
/// (decisions 214, 217) and writes them into a sentiment v2 model's manifest; the heads' weights stay byte for byte. Prints progress, the
/// social serving's figures on the same posts, the ten best settings and the chosen one, so the choice can be read.
/// </summary>
public static class GenreFitCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Required = true, Description = "The sentiment v2 model (sentiment.zip) to fit the genre for." };
        var topic = new Option<FileInfo?>("--topic-model") { Description = "The topic model the scorer loads beside it (default: topic.zip next to --model); topics are not fitted." };
        var genre = new Option<string>("--genre") { Required = true, Description = "The genre to fit (reviews, care)." };
        var language = new Option<string>("--language") { Required = true, Description = "The language to fit (en, zh): posts detected as another language are left out." };
        var data = new Option<FileInfo>("--data") { Required = true, Description = "JSON lines, each with \"text\" and \"label\" (negative, neutral or positive): posts of the genre, labelled by reading them; or the export-corrections file (its corrected \"sentiment\" is the label). Keep it out of any test set." };
        var sources = new Option<string[]>("--source") { Description = "Only lines whose \"source\" is one of these (repeatable): the sources served as the genre, e.g. the analysts' corrections of app-feedback.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the model (may be --model itself)." };
        var command = new Command("fit-genre", "Fit a source genre's neutral bias, polar shift and cue shift on labelled posts of the genre (decisions 214, 217).") { model, topic, genre, language, data, sources, output };
        command.SetAction((r, ct) =>
        {
            var log = Console.Error;
            var ml = new MLContext(seed: 1);
            var input = r.GetValue(model)!.FullName;
            try
            {
                var name = SourceGenres.Parse(r.GetValue(genre));
                if (name is null or SourceGenres.Social)
                {
                    log.WriteLine($"--genre: '{r.GetValue(genre)}' is not a genre to fit (one of {string.Join(", ", SourceGenres.All.Skip(1))}).");
                    return Task.FromResult(2);
                }

                var lang = r.GetValue(language)!.Trim().ToLowerInvariant();
                if (lang is not ("en" or "zh"))
                {
                    log.WriteLine($"--language: '{lang}' is not a language the models serve (en, zh).");
                    return Task.FromResult(2);
                }

                var sentiment = SentimentModel.Load(ml, input, "--model");
                var topicPath = r.GetValue(topic)?.FullName ?? Path.Combine(Path.GetDirectoryName(input)!, "topic.zip");
                var topics = TopicModel.Load(ml, topicPath, "--topic-model");
                var only = r.GetValue(sources) is { Length: > 0 } named ? new HashSet<string>(named, StringComparer.Ordinal) : null;
                var read = Read(r.GetValue(data)!.FullName, lang, only);
                var posts = read.Posts;
                var fromOtherSources = only is null ? "" : $"{read.OtherSource} from other sources, ";
                log.WriteLine(
                    $"fit-genre: {posts.Count} {lang} posts ({posts.Count(p => p.Label == SentimentLabel.Negative)} negative, {posts.Count(p => p.Label == SentimentLabel.Neutral)} neutral, "
                    + $"{posts.Count(p => p.Label == SentimentLabel.Positive)} positive); {read.OtherLanguage} in another language, {fromOtherSources}"
                    + $"{read.Unlabelled} without a sentiment label and {read.Unreadable} unreadable lines left out.");
                var result = GenreFit.Fit(sentiment, topics, name, lang, posts, message => log.WriteLine("fit-genre: " + message));
                log.WriteLine("The ten best settings:");
                foreach (var figures in result.Grid.OrderByDescending(g => g.Score).Take(10))
                {
                    log.WriteLine("  " + figures);
                }

                log.WriteLine($"served as social: {result.Social}");
                log.WriteLine($"chosen for {name} ({lang}): {result.Chosen}");
                var head = sentiment.Manifest.NeutralHead!.WithGenre(name, lang, result.Chosen.Bias, result.Chosen.Shift, result.Chosen.Cue);
                var manifest = sentiment.Manifest with { NeutralHead = head };
                var path = r.GetValue(output)!.FullName;
                if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(input), StringComparison.Ordinal))
                {
                    File.Copy(input, path, overwrite: true);
                }

                ModelFile.ReplaceManifest(path, manifest);
                var written = SentimentModel.Load(ml, path, "--output");
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {path}: {name} {lang} bias {written.Manifest.NeutralHead!.BiasFor(lang, name):+0.00;-0.00}, polar shift {written.Manifest.NeutralHead.PolarShiftFor(lang, name):+0.00;-0.00}, cue shift {written.Manifest.NeutralHead.CueShiftFor(lang, name):0.00}."));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ModelFileException or InvalidDataException or InvalidOperationException or IOException)
            {
                log.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }

    /// <summary>What <see cref="Read"/> found: the posts to fit on and how many lines were left out, by reason.</summary>
    internal sealed record ReadResult(List<GenreFit.Post> Posts, int OtherLanguage, int OtherSource, int Unlabelled, int Unreadable);

    /// <summary>
    /// The file's posts of <paramref name="language"/> (and, when <paramref name="sources"/> is given, of those sources) with a sentiment
    /// label: <c>"label"</c>, or the corrections export's <c>"sentiment"</c> (decision 216). Counts the rest by reason.
    /// </summary>
    internal static ReadResult Read(string path, string language, IReadOnlySet<string>? sources = null)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"--data: '{path}' does not exist.");
        }

        var posts = new List<GenreFit.Post>();
        int other = 0, otherSource = 0, unlabelled = 0, unreadable = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetString()))
                {
                    unreadable++;
                    continue;
                }

                if (sources is not null && !(root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String && sources.Contains(source.GetString()!)))
                {
                    otherSource++;
                    continue;
                }

                var label = root.TryGetProperty("label", out var l) ? l : root.TryGetProperty("sentiment", out var s) ? s : default;
                if (label.ValueKind != JsonValueKind.String || !SentimentScore.TryParse(label.GetString(), out var parsed))
                {
                    unlabelled++;
                    continue;
                }

                if (LanguageDetector.Detect(text.GetString()!) != language)
                {
                    other++;
                    continue;
                }

                posts.Add(new GenreFit.Post(text.GetString()!, parsed));
            }
            catch (JsonException)
            {
                unreadable++;
            }
        }

        return new ReadResult(posts, other, otherSource, unlabelled, unreadable);
    }
}
