using System.Text.Json.Serialization;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// A mention as channels hand it over (the intake API's body, the replay file's lines, the
/// crawl verb's output): camelCase JSON. <see cref="Validate"/> names every bad field.
/// </summary>
public sealed record IncomingMention
{
    public const int MaxTextLength = MentionContract.MaxTextLength;

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

    /// <summary>Problems keyed by field name; empty when the mention can be taken in (the rules are <see cref="MentionContract"/>).</summary>
    public Dictionary<string, string[]> Validate(string prefix = "") => Validate(DateTimeOffset.UtcNow, MentionDateOptions.Default, prefix);

    public Dictionary<string, string[]> Validate(DateTimeOffset now, MentionDateOptions dates, string prefix = "") =>
        MentionContract.Check(
            new MentionFields(Source, ExternalId, Url, Author, ThreadId, Title, Text, Language, PublishedAt, Reach, Likes, Replies, Shares),
            now,
            dates,
            prefix);

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
            Language = string.IsNullOrWhiteSpace(Language) ? LanguageDetector.Undetermined : Language.Trim(),
            PublishedAt = PublishedAt ?? collectedAt,
            CollectedAt = collectedAt,
            Engagement = new Engagement(Reach ?? 0, Likes ?? 0, Replies ?? 0, Shares ?? 0),
            DirectComplaint = DirectComplaint ?? false,
        };
    }
}
