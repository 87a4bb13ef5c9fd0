using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Tests;

/// <summary>Mentions built for tests: every field the index filters, sorts or counts on is settable.</summary>
internal static class TestMentions
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public static Mention Create(
        string id,
        string text,
        DateTimeOffset? publishedAt = null,
        string source = "forum",
        string? author = "someone",
        SentimentLabel? sentiment = null,
        string? topic = null,
        long reach = 0,
        IReadOnlyList<string>? watches = null,
        string language = "und")
    {
        var published = publishedAt ?? Epoch;
        return new Mention
        {
            Id = id,
            Source = source,
            ExternalId = id,
            Url = $"https://example.test/{id}",
            Author = author,
            Text = text,
            Language = language,
            PublishedAt = published,
            CollectedAt = published.AddMinutes(5),
            Engagement = new Engagement(Reach: reach),
            Watches = watches ?? [],
            Sentiment = sentiment is { } label ? Score(label) : null,
            Topic = topic is null ? null : new TopicScore(topic, 0.9f),
            ScoredBy = sentiment is null ? null : "test-model-1",
        };
    }

    public static SentimentScore Score(SentimentLabel label) => label switch
    {
        SentimentLabel.Negative => new SentimentScore(label, 0.8f, 0.15f, 0.05f),
        SentimentLabel.Neutral => new SentimentScore(label, 0.1f, 0.8f, 0.1f),
        _ => new SentimentScore(label, 0.05f, 0.15f, 0.8f),
    };
}

/// <summary>A folder under the temp directory, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sw-indexing-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still hold a file for a moment; the OS cleans temp.
        }
    }
}
