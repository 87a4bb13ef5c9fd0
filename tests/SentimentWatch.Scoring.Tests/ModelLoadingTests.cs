using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Tests;

public sealed class ModelLoadingTests
{
    private static IHost BuildHost(string modelDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Scoring:ModelDirectory"] = modelDirectory;
        builder.Services.AddSingleton<IMentionScorer, UnscoredMentionScorer>();
        builder.AddScoring();
        return builder.Build();
    }

    [Fact]
    public void Add_scoring_replaces_the_unscored_placeholder_with_the_model_scorer()
    {
        using var host = BuildHost(TestPaths.Models);
        var scorer = host.Services.GetRequiredService<IMentionScorer>();
        scorer.ShouldBeOfType<ModelScorer>();
        scorer.ModelVersion.ShouldNotBeNull();
        scorer.ModelVersion.ShouldStartWith("sentiment-");
    }

    [Fact]
    public async Task Start_up_fails_naming_the_settings_when_the_model_files_are_missing()
    {
        var dir = TestPaths.TempDirectory();
        using var host = BuildHost(dir);
        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        error.Message.ShouldContain("Scoring:SentimentModel");
        error.Message.ShouldContain("Scoring:TopicModel");
    }

    [Fact]
    public async Task Start_up_fails_naming_the_setting_when_a_model_file_is_corrupt()
    {
        var dir = TestPaths.TempDirectory();
        File.Copy(Path.Combine(TestPaths.Models, "topic.zip"), Path.Combine(dir, "topic.zip"));
        await File.WriteAllTextAsync(Path.Combine(dir, "sentiment.zip"), "this is not a zip file");
        using var host = BuildHost(dir);
        var error = await Should.ThrowAsync<ModelFileException>(() => host.StartAsync());
        error.Message.ShouldContain("Scoring:SentimentModel");
        error.Message.ShouldContain("corrupt");
    }

    [Fact]
    public void A_topic_model_in_the_sentiment_slot_is_refused()
    {
        var dir = TestPaths.TempDirectory();
        File.Copy(Path.Combine(TestPaths.Models, "topic.zip"), Path.Combine(dir, "sentiment.zip"));
        File.Copy(Path.Combine(TestPaths.Models, "topic.zip"), Path.Combine(dir, "topic.zip"));
        var error = Should.Throw<ModelFileException>(() => ModelScorer.Load(new ScoringOptions { ModelDirectory = dir }));
        error.Message.ShouldContain("expected a sentiment model");
    }
}
