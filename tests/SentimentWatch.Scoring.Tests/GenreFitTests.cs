using System.CommandLine;
using System.IO.Compression;
using Microsoft.ML;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Cli;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>
/// Decision 214: a customer-care source (posts addressed to the brand) is served with the care genre's neutral bias and polar shift,
/// which <c>fit-genre</c> fits on labelled posts of the genre through the real scorer; social sources are served as before.
/// </summary>
[Collection(ConsoleErrorCollection.Name)]
public sealed class GenreFitTests
{
    private static readonly Lazy<(SentimentModel Sentiment, TopicModel Topic)> Shipped = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var options = new ScoringOptions { ModelDirectory = TestPaths.Models };
        return (SentimentModel.Load(ml, options.SentimentPath, "Scoring:SentimentModel"), TopicModel.Load(ml, options.TopicPath, "Scoring:TopicModel"));
    });

    // Service complaints addressed to a brand, of the kind the social serving reads too kindly (sarcastic thanks, a plain statement of a failure).
    private static readonly string[] Complaints =
    [
        "@Lumo thanks for losing my order again, great job",
        "@Lumo been on hold for 40 minutes, love it",
        "@Lumo my flight was cancelled and nobody called me",
        "@Lumo still waiting for the refund you promised in March",
        "@Lumo the app logged me out and my points are gone",
        "@Lumo third time this week the delivery is an hour late",
        "@Lumo so the card was charged twice, what now?",
        "@Lumo wow, another delay. what a surprise",
    ];

    private static float Logit(float p) => MathF.Log(p / (1 - p));

    [Fact]
    public void The_shipped_model_serves_a_care_source_with_its_fitted_polar_shift_and_a_social_source_as_before()
    {
        var head = Shipped.Value.Sentiment.Manifest.NeutralHead!;
        var shift = head.PolarShiftFor("en", SourceGenres.Care);
        var cueShift = head.CueShiftFor("en", SourceGenres.Care);
        shift.ShouldBeLessThan(0f, "the shipped model carries the care genre's shift towards negative (decision 214)");
        cueShift.ShouldBeGreaterThanOrEqualTo(0f);
        head.PolarShiftFor("zh", SourceGenres.Care).ShouldBe(0f, "no Chinese care posts were fitted: Chinese care posts are served as social");
        head.PolarShiftFor("en", SourceGenres.Reviews).ShouldBe(0f);

        var scorer = new ModelScorer(Shipped.Value.Sentiment, Shipped.Value.Topic, [], null, 0.8f)
            .WithSourceGenres(new Dictionary<string, string> { ["twitter-mentions"] = "care", ["weibo"] = "social" });
        var plain = new ModelScorer(Shipped.Value.Sentiment, Shipped.Value.Topic, [], null, 0.8f);
        foreach (var text in Complaints)
        {
            var social = plain.Score([text])[0]!.Sentiment;
            var scored = scorer.Score([text, text], ["twitter-mentions", "weibo"]);
            scored[1]!.Sentiment.ShouldBe(social);
            var care = scored[0]!.Sentiment;
            // The split between negative and positive moves by the shift, and by the cue shift times the post's complaint-cue strength.
            var vector = new Featurization.FeatureVector();
            Shipped.Value.Sentiment.Featurizer.FeaturizeNormalized(Shipped.Value.Sentiment.Featurizer.Prepare(text), vector, text);
            var cue = Shipped.Value.Sentiment.ComplaintCueStrength(vector.Indices, vector.Values);
            var polarSocial = Logit(social.Positive / (social.Positive + social.Negative));
            var polarCare = Logit(care.Positive / (care.Positive + care.Negative));
            (polarCare - polarSocial).ShouldBe(shift - (cueShift * cue), 0.02f);
            care.Negative.ShouldBeGreaterThan(social.Negative);
        }
    }

    [Fact]
    public void A_cue_shift_moves_a_care_post_that_names_a_service_failure_and_leaves_one_that_names_none()
    {
        var (sentiment, topic) = Shipped.Value;
        var head = sentiment.Manifest.NeutralHead!;
        var bias = head.BiasFor("en", SourceGenres.Care);
        var shift = head.PolarShiftFor("en", SourceGenres.Care);
        var withCue = sentiment.WithManifest(sentiment.Manifest with { NeutralHead = head.WithGenre(SourceGenres.Care, "en", bias, shift, 1.5f) });
        var withoutCue = sentiment.WithManifest(sentiment.Manifest with { NeutralHead = head.WithGenre(SourceGenres.Care, "en", bias, shift, 0f) });
        var genres = new Dictionary<string, string> { ["mail"] = "care" };
        var cued = new ModelScorer(withCue, topic, [], null, 0.8f).WithSourceGenres(genres);
        var plain = new ModelScorer(withoutCue, topic, [], null, 0.8f).WithSourceGenres(genres);

        // "on hold" and "still waiting" are complaint cues (Lexicon/complaint-cues.tsv); the second post names none.
        var failure = "@Lumo been on hold for an hour and still waiting for someone to answer";
        var question = "@Lumo what time does the airport store open tomorrow?";
        var a = plain.ScoreOne(failure, "care").Sentiment;
        var b = cued.ScoreOne(failure, "care").Sentiment;
        b.Negative.ShouldBeGreaterThan(a.Negative);
        b.Neutral.ShouldBeLessThan(a.Neutral);
        cued.ScoreOne(question, "care").Sentiment.ShouldBe(plain.ScoreOne(question, "care").Sentiment);
        // Social posts never see the cue shift.
        cued.ScoreOne(failure).Sentiment.ShouldBe(plain.ScoreOne(failure).Sentiment);
        cued.ModelVersion.ShouldNotBe(plain.ModelVersion, "the cue shift is part of the served version");
    }

    [Fact]
    public void Posts_labelled_as_the_social_serving_labels_them_fit_no_change_and_complaints_it_reads_kindly_fit_a_shift_towards_negative()
    {
        var (sentiment, topic) = Shipped.Value;
        var plain = new ModelScorer(sentiment, topic, [], null, 0f);
        string[] others = ["@Lumo what time does the airport store open tomorrow?", "@Lumo loved the new oat latte, thank you!", "@Lumo is the app down for everyone?",
            "@Lumo great service at the downtown store today", "@Lumo do you deliver to Pudong?", "@Lumo the staff at Gate 3 were wonderful"];
        var texts = Complaints.Concat(others).ToList();

        // Labels equal to what social serves: the social pair is perfect, and the tie rule keeps it (no shift, the social bias).
        var asServed = texts.Select(t => new GenreFit.Post(t, plain.ScoreOne(t).Sentiment.Label)).ToList();
        var same = GenreFit.Fit(sentiment, topic, SourceGenres.Care, "en", asServed);
        same.Social.BalancedAccuracy.ShouldBe(1.0);
        same.Chosen.Shift.ShouldBe(0f);
        same.Chosen.Bias.ShouldBe(sentiment.Manifest.NeutralHead!.BiasFor("en"));
        same.Chosen.Cue.ShouldBe(0f);
        same.Grid.Count.ShouldBe(GenreFit.Biases.Count * GenreFit.Shifts.Count * GenreFit.CueShifts.Count);

        // The complaints labelled negative, the rest as served: some complaint is served as something else, so a shift helps.
        var labelled = Complaints.Select(t => new GenreFit.Post(t, SentimentLabel.Negative))
            .Concat(others.Select(t => new GenreFit.Post(t, plain.ScoreOne(t).Sentiment.Label))).ToList();
        Complaints.Count(t => plain.ScoreOne(t).Sentiment.Label != SentimentLabel.Negative).ShouldBeGreaterThan(0, "the social serving reads some of these complaints kindly");
        var fitted = GenreFit.Fit(sentiment, topic, SourceGenres.Care, "en", labelled);
        fitted.Chosen.Score.ShouldBeGreaterThan(fitted.Social.Score);
        (fitted.Chosen.Shift < 0f || fitted.Chosen.Bias < sentiment.Manifest.NeutralHead!.BiasFor("en")).ShouldBeTrue($"chosen {fitted.Chosen}");
        fitted.Chosen.Score.ShouldBe(fitted.Grid.Max(g => g.Score));
    }

    [Fact]
    public async Task Fit_genre_writes_the_care_bias_into_a_copy_of_the_model_keeping_every_other_entry_byte_for_byte()
    {
        var dir = TestPaths.TempDirectory();
        var data = Path.Combine(dir, "care.jsonl");
        await File.WriteAllLinesAsync(data,
            Complaints.Select(t => System.Text.Json.JsonSerializer.Serialize(new { text = t, label = "negative" }))
                .Append("""{"text":"@Lumo thank you, the new store is lovely","label":"positive"}""")
                .Append("""{"text":"@Lumo 你们的店几点开门？","label":"neutral"}""")
                .Append("""{"text":"no label here"}""")
                .Append("not json"));
        var output = Path.Combine(dir, "sentiment.zip");
        var source = Path.Combine(TestPaths.Models, "sentiment.zip");

        var (exit, errors) = await RunAsync("fit-genre", "--model", source, "--genre", "care", "--language", "en", "--data", data, "--output", output);

        exit.ShouldBe(0, errors);
        errors.ShouldContain("fit-genre: 9 en posts (8 negative, 0 neutral, 1 positive); 1 in another language, 1 without a sentiment label and 1 unreadable lines left out.");
        errors.ShouldContain("served as social:");
        errors.ShouldContain("chosen for care (en):");
        var settings = GenreFit.Biases.Count * GenreFit.Shifts.Count * GenreFit.CueShifts.Count;
        errors.ShouldContain($"fit-genre: {settings} of {settings} settings served; best so far");
        errors.ShouldContain("The ten best settings:");
        var written = SentimentModel.Load(new MLContext(seed: 1), output, "test");
        written.Serves(SourceGenres.Care).ShouldBeTrue();
        written.Manifest.NeutralHead!.BiasFor("zh", SourceGenres.Reviews).ShouldBe(Shipped.Value.Sentiment.Manifest.NeutralHead!.BiasFor("zh", SourceGenres.Reviews));
        using (var before = ZipFile.OpenRead(source))
        using (var after = ZipFile.OpenRead(output))
        {
            foreach (var entry in before.Entries.Where(e => e.FullName != "SentimentWatch/manifest.json"))
            {
                Bytes(after.GetEntry(entry.FullName).ShouldNotBeNull()).ShouldBe(Bytes(entry), entry.FullName);
            }
        }

        var social = await RunAsync("fit-genre", "--model", source, "--genre", "social", "--language", "en", "--data", data, "--output", output);
        social.Exit.ShouldBe(2);
        social.Errors.ShouldContain("--genre: 'social' is not a genre to fit (one of reviews, care)");
        var language = await RunAsync("fit-genre", "--model", source, "--genre", "care", "--language", "fr", "--data", data, "--output", output);
        language.Exit.ShouldBe(2);
        language.Errors.ShouldContain("--language: 'fr'");
        var missing = await RunAsync("fit-genre", "--model", source, "--genre", "care", "--language", "en", "--data", Path.Combine(dir, "none.jsonl"), "--output", output);
        missing.Exit.ShouldBe(2);
        missing.Errors.ShouldContain("--data:");
    }

    [Fact]
    public async Task Fit_genre_reads_the_analysts_corrections_export_and_keeps_only_the_named_sources()
    {
        var dir = TestPaths.TempDirectory();
        var export = Path.Combine(dir, "corrections.jsonl");
        var at = DateTimeOffset.UnixEpoch;
        var corrections = Complaints.Select((t, i) => new CorrectedText($"m{i:00}", "en", t, "negative", null, "positive", "other", "v", [], at, "app-feedback"))
            .Append(new CorrectedText("m90", "en", "@Lumo loved the new oat latte, thank you!", "positive", null, "positive", "other", "v", [], at, "app-feedback"))
            .Append(new CorrectedText("m91", "en", "@Lumo the store was closed again", "negative", null, "neutral", "other", "v", [], at, "weibo"))
            .Append(new CorrectedText("m92", "en", "@Lumo the app keeps crashing", null, "app_quality", null, "other", "v", [], at, "app-feedback"))
            .Append(new CorrectedText("m93", "en", "@Lumo where is my order", "negative", null, "neutral", "other", "v", [], at))
            .ToList();
        CorrectionsExport.Write(export, corrections);
        var output = Path.Combine(dir, "sentiment.zip");

        var (exit, errors) = await RunAsync("fit-genre", "--model", Path.Combine(TestPaths.Models, "sentiment.zip"), "--genre", "care", "--language", "en",
            "--data", export, "--source", "app-feedback", "email-gateway", "--output", output);

        exit.ShouldBe(0, errors);
        // The weibo correction and the one without a source are other sources; the topic-only correction has no sentiment label.
        errors.ShouldContain("fit-genre: 9 en posts (8 negative, 0 neutral, 1 positive); 0 in another language, 2 from other sources, 1 without a sentiment label and 0 unreadable lines left out.");
        SentimentModel.Load(new MLContext(seed: 1), output, "test").Serves(SourceGenres.Care).ShouldBeTrue();
    }

    [Fact]
    public void A_care_source_with_a_model_that_has_no_care_genre_stops_start_up_naming_the_setting_and_fit_genre()
    {
        var model = Shipped.Value.Sentiment;
        var withoutCare = model.WithManifest(model.Manifest with { NeutralHead = model.Manifest.NeutralHead! with { GenrePolarShift = null, GenreBias = null } });
        var error = Should.Throw<ModelFileException>(() =>
            new ModelScorer(withoutCare, Shipped.Value.Topic, [], null, 0.8f).WithSourceGenres(new Dictionary<string, string> { ["twitter-mentions"] = "care" }));
        error.Message.ShouldContain("Scoring:SourceGenres:twitter-mentions");
        error.Message.ShouldContain("fit-genre");
    }

    [Fact]
    public void Refitting_the_care_genre_changes_the_served_model_version_so_its_sources_are_re_scored()
    {
        var model = Shipped.Value.Sentiment;
        var head = model.Manifest.NeutralHead!;
        var genres = new Dictionary<string, string> { ["twitter-mentions"] = "care" };
        var one = new ModelScorer(model, Shipped.Value.Topic, [], null, 0.8f).WithSourceGenres(genres).ModelVersion!;
        var refitted = model.WithManifest(model.Manifest with { NeutralHead = head.WithGenre(SourceGenres.Care, "en", head.BiasFor("en", SourceGenres.Care), head.PolarShiftFor("en", SourceGenres.Care) - 0.25f) });
        var two = new ModelScorer(refitted, Shipped.Value.Topic, [], null, 0.8f).WithSourceGenres(genres).ModelVersion!;
        two.ShouldNotBe(one);
        new ModelScorer(refitted, Shipped.Value.Topic, [], null, 0.8f).ModelVersion.ShouldBe(new ModelScorer(model, Shipped.Value.Topic, [], null, 0.8f).ModelVersion,
            "without a care source the version is the social one");
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static async Task<(int Exit, string Errors)> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(GenreFitCommand.Create());
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            return (await root.Parse(args).InvokeAsync(), stderr.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}
