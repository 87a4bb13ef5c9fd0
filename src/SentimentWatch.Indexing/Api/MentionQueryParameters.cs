using System.Globalization;
using Microsoft.AspNetCore.Http;
using SentimentWatch.Core;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Api;

/// <summary>
/// Reads the query-string parameters the mention endpoints share. Every bad value is reported
/// at once, keyed by the parameter's name, so a 400 tells the caller exactly what to fix.
/// </summary>
internal sealed class MentionQueryParameters(IQueryCollection query, DateTimeOffset? now = null, MentionDateOptions? dates = null)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public MentionFilter Filter()
    {
        var from = Time("from");
        var to = Time("to");
        if (from is not null && to is not null && from >= to)
        {
            Fail("to", $"'to' ({to:O}) must be after 'from' ({from:O}).");
        }

        SentimentLabel? sentiment = null;
        if (Text("sentiment") is { } label)
        {
            if (SentimentScore.TryParse(label, out var parsed))
            {
                sentiment = parsed;
            }
            else
            {
                Fail("sentiment", $"'{label}' is not a sentiment; use negative, neutral or positive.");
            }
        }

        var minReach = Integer("minReach", 0, long.MaxValue);
        var q = Text("q");
        if (SearchQuerySyntax.Check(q) is { } problem)
        {
            Fail("q", $"'{ProblemText.Quote(q!)}' is not a valid search query: {problem}.");
        }

        return new MentionFilter
        {
            Query = q,
            From = from,
            To = to,
            Watch = Text("watch"),
            Source = Text("source"),
            Sentiment = sentiment,
            Topic = Text("topic"),
            Author = Text("author"),
            Language = Text("language"),
            MinReach = minReach,
        };
    }

    public MentionSort Sort() => Choice("sort", MentionSort.Relevance, new Dictionary<string, MentionSort>
    {
        ["relevance"] = MentionSort.Relevance,
        ["newest"] = MentionSort.Newest,
        ["oldest"] = MentionSort.Oldest,
        ["reach"] = MentionSort.Reach,
    });

    /// <summary>The labelling queue's <c>kind</c> (decision 212): sentiment (default) or topic.</summary>
    public Core.Scoring.LabellingQueueKind QueueKind() => Choice("kind", Core.Scoring.LabellingQueueKind.Sentiment, new Dictionary<string, Core.Scoring.LabellingQueueKind>
    {
        ["sentiment"] = Core.Scoring.LabellingQueueKind.Sentiment,
        ["topic"] = Core.Scoring.LabellingQueueKind.Topic,
    });

    public StatsInterval Interval() => Choice("interval", StatsInterval.Day, new Dictionary<string, StatsInterval>
    {
        ["hour"] = StatsInterval.Hour,
        ["day"] = StatsInterval.Day,
        ["week"] = StatsInterval.Week,
    });

    public MentionGroupBy? GroupBy() => Text("groupBy") is null ? null : Choice("groupBy", MentionGroupBy.Sentiment, new Dictionary<string, MentionGroupBy>
    {
        ["sentiment"] = MentionGroupBy.Sentiment,
        ["topic"] = MentionGroupBy.Topic,
        ["source"] = MentionGroupBy.Source,
        ["watch"] = MentionGroupBy.Watch,
    });

    public TimeSpan UtcOffset()
    {
        if (Text("utcOffset") is not { } text)
        {
            return TimeSpan.Zero;
        }

        // "+08:00" / "-05:30"; TimeSpan parsing rejects a leading '+', so take the sign apart.
        var negative = text.StartsWith('-');
        var body = text.TrimStart('+', '-');
        if (TimeSpan.TryParseExact(body, @"hh\:mm", CultureInfo.InvariantCulture, out var offset) && offset <= TimeSpan.FromHours(14) && offset.Minutes % 15 == 0)
        {
            return negative ? -offset : offset;
        }

        Fail("utcOffset", $"'{text}' is not a UTC offset; use the form +08:00 or -05:00.");
        return TimeSpan.Zero;
    }

    public int Integer(string name, int fallback, int min, int max) => (int)(Integer(name, min, max) ?? fallback);

    public string? Text(string name)
    {
        var value = query[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private long? Integer(string name, long min, long max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(name, $"'{text}' is not a whole number from {min} to {max}.");
        return null;
    }

    private DateTimeOffset? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        // A bare date or a time without a zone means UTC: the index stores instants.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value))
        {
            // Bounded like publish times, with a year's slack ahead (MentionDateOptions.QueryLatest).
            var window = dates ?? MentionDateOptions.Default;
            var at = now ?? DateTimeOffset.UtcNow;
            if (!window.AllowsInQuery(value, at))
            {
                Fail(name, $"'{text}' is outside the searchable range {window.EarliestPublishedAt:yyyy-MM-dd} to {window.QueryLatest(at):yyyy-MM-dd}.");
                return null;
            }

            return value;
        }

        Fail(name, $"'{text}' is not a date or time; use ISO 8601 such as 2026-11-01 or 2026-11-01T08:00:00+08:00.");
        return null;
    }

    private T Choice<T>(string name, T fallback, Dictionary<string, T> choices)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }

        if (choices.TryGetValue(text.ToLowerInvariant(), out var value))
        {
            return value;
        }

        Fail(name, $"'{text}' is not one of {string.Join(", ", choices.Keys)}.");
        return fallback;
    }

    

    public void Fail(string name, string message) =>
        Errors[name] = Errors.TryGetValue(name, out var existing) ? [.. existing, message] : [message];
}
