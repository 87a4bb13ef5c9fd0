using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.Cli;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.RealPages;

/// <summary>
/// The crawler against pages captured from real sites (never written by us; each folder's
/// ORIGIN.md names the repository, path, commit and licence). For every engine a source
/// definition in the documented syntax (<c>source.json</c>) is crawled through a real HTTP
/// server and every mention is compared with a hand-checked gold list (<c>gold.json</c>):
/// count, id, author, time (or "estimated"), title, the first characters of the text,
/// permalinks and engagement where the page shows them.
/// </summary>
public sealed class RealPageCorpusTests : IAsyncLifetime
{
    private RealPageServer _server = null!;

    public async Task InitializeAsync() => _server = await RealPageServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static IReadOnlyList<string> EngineNames() =>
        Directory.GetDirectories(RealPageServer.Root)
            .Where(d => File.Exists(Path.Combine(d, "gold.json")))
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> Engines() => new(EngineNames());

    [Fact]
    public void TheCorpusCoversTheEnginesItClaims()
    {
        var engines = EngineNames();
        engines.Count.ShouldBeGreaterThanOrEqualTo(8);
        foreach (var engine in engines)
        {
            var dir = Path.Combine(RealPageServer.Root, engine);
            File.Exists(Path.Combine(dir, "ORIGIN.md")).ShouldBeTrue($"{engine} has no ORIGIN.md");
            File.Exists(Path.Combine(dir, "source.json")).ShouldBeTrue($"{engine} has no source.json");
        }
    }

    public static TheoryData<string> PresetEngines() => new(EngineNames().Where(e => File.Exists(Path.Combine(RealPageServer.Root, e, "preset.json"))));

    [Theory]
    [MemberData(nameof(Engines))]
    public Task EveryMentionOfTheRealPageMatchesTheGoldList(string engine) => CrawlAndCompareAsync(engine, "source.json", "requests");

    /// <summary>The platform kind (mastodon, reddit, …) builds its own endpoint, paths and paging, and must read the same capture to the same gold.</summary>
    [Theory]
    [MemberData(nameof(PresetEngines))]
    public Task ThePlatformPresetReadsTheSameCaptureToTheSameGold(string engine) => CrawlAndCompareAsync(engine, "preset.json", "presetRequests");

    private async Task CrawlAndCompareAsync(string engine, string definition, string requestsField)
    {
        var dir = Path.Combine(RealPageServer.Root, engine);
        using var gold = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "gold.json")));
        var now = DateTimeOffset.Parse(gold.RootElement.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var sourceJson = (await File.ReadAllTextAsync(Path.Combine(dir, definition))).Replace("{{BASE}}", _server.Base + "/realpages/" + engine, StringComparison.Ordinal);
        var source = JsonSerializer.Deserialize<CrawlSource>(sourceJson, CrawlingCommands.SourceJson)!;
        CrawlingOptionsValidator.ValidateSource(source, engine, requireSchedule: false).ShouldBeEmpty();

        using var harness = new CrawlerHarness(configure: b => b.Services.AddSingleton<TimeProvider>(new FixedNow(now)));
        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        report.Succeeded.ShouldBeTrue(report.FatalError);
        var expected = gold.RootElement.GetProperty("items").EnumerateArray().ToList();
        var actual = string.Join("\n", mentions.Select(m => $"{m.ExternalId} | {m.Author} | {m.PublishedAt:o} | {Start(m.Text, 30)}"));
        mentions.Count.ShouldBe(expected.Count, $"{engine}: mentions found:\n{actual}\nproblems:\n{string.Join("\n", report.Errors)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Check(engine, i, expected[i], mentions[i]);
        }

        var expectedProblems = gold.RootElement.TryGetProperty("problems", out var p) ? p.GetInt32() : 0;
        report.Errors.Count.ShouldBe(expectedProblems, $"{engine}: {string.Join("\n", report.Errors)}");
        if (gold.RootElement.TryGetProperty(requestsField, out var requests))
        {
            _server.Requests.Count.ShouldBe(requests.GetInt32(), string.Join("\n", _server.Requests));
        }
    }

    private static void Check(string engine, int index, JsonElement gold, Mention mention)
    {
        var at = $"{engine} item {index + 1} ({mention.ExternalId})";
        foreach (var property in gold.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "externalId": mention.ExternalId.ShouldBe(value.GetString(), at); break;
                case "author": mention.Author.ShouldBe(value.GetString(), at); break;
                case "title": mention.Title.ShouldBe(value.GetString(), at); break;
                case "url": mention.Url.ShouldBe(value.GetString(), at); break;
                case "publishedAt":
                    mention.PublishedAt.ShouldBe(DateTimeOffset.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture), at);
                    mention.PublishedAtEstimated.ShouldBeFalse(at);
                    break;
                case "estimated": mention.PublishedAtEstimated.ShouldBe(value.GetBoolean(), at); break;
                case "textStart": mention.Text.ShouldStartWith(value.GetString()!, Case.Sensitive, at); break;
                case "text": mention.Text.ShouldBe(value.GetString(), at); break;
                case "textContains":
                    foreach (var part in value.EnumerateArray())
                    {
                        mention.Text.ShouldContain(part.GetString()!, Case.Sensitive, at);
                    }

                    break;
                case "textLacks":
                    foreach (var part in value.EnumerateArray())
                    {
                        mention.Text.ShouldNotContain(part.GetString()!, Case.Sensitive, at);
                    }

                    break;
                case "likes": mention.Engagement.Likes.ShouldBe(value.GetInt64(), at); break;
                case "replies": mention.Engagement.Replies.ShouldBe(value.GetInt64(), at); break;
                case "shares": mention.Engagement.Shares.ShouldBe(value.GetInt64(), at); break;
                case "reach": mention.Engagement.Reach.ShouldBe(value.GetInt64(), at); break;
                case "language": mention.Language.ShouldBe(value.GetString(), at); break;
                case "note": break;
                default: throw new InvalidOperationException($"{at}: unknown gold field '{property.Name}'");
            }
        }
    }

    private static string Start(string text, int length) => text.Length <= length ? text.ReplaceLineEndings(" ") : text[..length].ReplaceLineEndings(" ") + "…";
}
