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
    /// <summary>ISO 8601 with an offset (Z or ±hh:mm): a time without one would be read in the server's own zone.</summary>
    [JsonPropertyName("publishedAt"), JsonConverter(typeof(OffsetDateTimeConverter))] public DateTimeOffset? PublishedAt { get; init; }
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

/// <summary>
/// Reads an ISO 8601 date-time only when it carries its offset (Z or ±hh:mm), and writes it with one. "2026-12-01T10:00:00"
/// would otherwise be taken in the server's time zone, hours away from when the post was published on a server not on UTC.
/// </summary>
public sealed class OffsetDateTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType == System.Text.Json.JsonTokenType.Null)
        {
            return null;
        }

        // The same error as the default converter's, so the problem names the field and the expected form.
        if (reader.TokenType != System.Text.Json.JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value) || !HasOffset(reader.GetString()!))
        {
            throw new System.Text.Json.JsonException();
        }

        return value;
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Whether there is a time part and it ends in Z or a ±hh:mm / ±hhmm / ±hh offset (a bare date has neither).</summary>
    internal static bool HasOffset(string text)
    {
        if (text.IndexOf('T', StringComparison.OrdinalIgnoreCase) is not (var i and >= 0))
        {
            return false;
        }

        var time = text.AsSpan(i + 1).TrimEnd();
        return time.Length > 0 && (time[^1] is 'Z' or 'z' || time.IndexOfAny('+', '-') >= 0);
    }
}
