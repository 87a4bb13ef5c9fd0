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
/// <c>fit-genre</c>: fits a genre's neutral bias and polar shift for one language on a labelled file of that genre's posts (decision
/// 214) and writes them into a sentiment v2 model's manifest; the heads' weights stay byte for byte. Prints the social serving's figures
/// on the same posts, the chosen pair's and the whole grid, so the choice can be read.
/// </summary>
public static class GenreFitCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Required = true, Description = "The sentiment v2 model (sentiment.zip) to fit the genre for." };
        var topic = new Option<FileInfo?>("--topic-model") { Description = "The topic model the scorer loads beside it (default: topic.zip next to --model); topics are not fitted." };
        var genre = new Option<string>("--genre") { Required = true, Description = "The genre to fit (reviews, care)." };
        var language = new Option<string>("--language") { Required = true, Description = "The language to fit (en, zh): posts detected as another language are left out." };
        var data = new Option<FileInfo>("--data") { Required = true, Description = "JSON lines, each with \"text\" and \"label\" (negative, neutral or positive): posts of the genre, labelled by reading them. Keep it out of any test set." };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the model (may be --model itself)." };
        var command = new Command("fit-genre", "Fit a source genre's neutral bias and polar shift on labelled posts of the genre (decision 214).") { model, topic, genre, language, data, output };
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
                var (posts, other, unreadable) = Read(r.GetValue(data)!.FullName, lang);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fit-genre: {posts.Count} {lang} posts ({posts.Count(p => p.Label == SentimentLabel.Negative)} negative, {posts.Count(p => p.Label == SentimentLabel.Neutral)} neutral, "
                    + $"{posts.Count(p => p.Label == SentimentLabel.Positive)} positive); {other} in another language and {unreadable} unreadable lines left out."));
                var result = GenreFit.Fit(sentiment, topics, name, lang, posts);
                foreach (var figures in result.Grid)
                {
                    log.WriteLine("  " + figures);
                }

                log.WriteLine($"served as social: {result.Social}");
                log.WriteLine($"chosen for {name} ({lang}): {result.Chosen}");
                var head = sentiment.Manifest.NeutralHead!.WithGenre(name, lang, result.Chosen.Bias, result.Chosen.Shift);
                var manifest = sentiment.Manifest with { NeutralHead = head };
                var path = r.GetValue(output)!.FullName;
                if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(input), StringComparison.Ordinal))
                {
                    File.Copy(input, path, overwrite: true);
                }

                ModelFile.ReplaceManifest(path, manifest);
                var written = SentimentModel.Load(ml, path, "--output");
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {path}: {name} {lang} bias {written.Manifest.NeutralHead!.BiasFor(lang, name):+0.00;-0.00}, polar shift {written.Manifest.NeutralHead.PolarShiftFor(lang, name):+0.00;-0.00}."));
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

    /// <summary>The file's posts of <paramref name="language"/> with a readable label; counts the rest.</summary>
    internal static (List<GenreFit.Post> Posts, int OtherLanguage, int Unreadable) Read(string path, string language)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"--data: '{path}' does not exist.");
        }

        var posts = new List<GenreFit.Post>();
        int other = 0, unreadable = 0;
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
                    || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetString())
                    || !root.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String
                    || !SentimentScore.TryParse(label.GetString(), out var parsed))
                {
                    unreadable++;
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

        return (posts, other, unreadable);
    }
}
