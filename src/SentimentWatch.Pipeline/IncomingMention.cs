using System.Text.Json.Serialization;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// A mention as channels hand it over (the intake API's body, the replay file's lines, the
/// crawl verb's output): camelCase JSON. <see cref="Validate"/> names every bad field.
/// </summary>
public sealed record IncomingMention
{
    public const int MaxTextLength = 100_000;

    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("externalId")] public string? ExternalId { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("author")] public string? Author { get; init; }
    [JsonPropertyName("threadId")] public string? ThreadId { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("language")] public string? Language { get; init; }
    [JsonPropertyName("publishedAt")] public DateTimeOffset? PublishedAt { get; init; }
    [JsonPropertyName("reach")] public long? Reach { get; init; }
    [JsonPropertyName("likes")] public long? Likes { get; init; }
    [JsonPropertyName("replies")] public long? Replies { get; init; }
    [JsonPropertyName("shares")] public long? Shares { get; init; }

    /// <summary>True when the channel knows this is a complaint (e-mail, hotline, app feedback): it opens a case whatever its score.</summary>
    [JsonPropertyName("directComplaint")] public bool? DirectComplaint { get; init; }

    /// <summary>Problems keyed by field name; empty when the mention can be taken in.</summary>
    public Dictionary<string, string[]> Validate(string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[prefix + field] = [message];

        if (string.IsNullOrWhiteSpace(Source))
        {
            Add("source", "source is required (the channel this mention came from, e.g. 'app-feedback')");
        }
        else if (Source.Length > 200)
        {
            Add("source", "source must be at most 200 characters");
        }

        if (string.IsNullOrWhiteSpace(Text))
        {
            Add("text", "text is required and must not be blank");
        }
        else if (Text.Length > MaxTextLength)
        {
            Add("text", $"text must be at most {MaxTextLength} characters (was {Text.Length})");
        }

        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            Add("url", $"url must be an absolute http(s) URL (was '{Truncate(Url)}')");
        }

        if (PublishedAt is null)
        {
            Add("publishedAt", "publishedAt is required (ISO 8601 with offset, e.g. 2026-11-20T14:03:00+08:00)");
        }

        foreach (var (field, value) in new[] { ("reach", Reach), ("likes", Likes), ("replies", Replies), ("shares", Shares) })
        {
            if (value < 0)
            {
                Add(field, $"{field} must not be negative (was {value})");
            }
        }

        if (ExternalId is { Length: > 500 })
        {
            Add("externalId", "externalId must be at most 500 characters");
        }

        return errors;
    }

    public Mention ToMention(DateTimeOffset collectedAt)
    {
        var source = Source!.Trim();
        return new Mention
        {
            Id = MentionId.For(source, ExternalId, Url, Text),
            Source = source,
            ExternalId = string.IsNullOrWhiteSpace(ExternalId) ? null : ExternalId.Trim(),
            Url = Url,
            Author = Author,
            ThreadId = ThreadId,
            Title = Title,
            Text = Text!,
            Language = string.IsNullOrWhiteSpace(Language) ? LanguageDetector.Undetermined : Language,
            PublishedAt = PublishedAt ?? collectedAt,
            CollectedAt = collectedAt,
            Engagement = new Engagement(Reach ?? 0, Likes ?? 0, Replies ?? 0, Shares ?? 0),
            DirectComplaint = DirectComplaint ?? false,
        };
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
