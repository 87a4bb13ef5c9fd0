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
/// Each refusal also carries a stable code and its arguments (<see cref="Problems"/>), so the
/// console can say it in the reader's language while the API keeps its English sentence (decision 236).
/// </summary>
/// <remarks>
/// Dates are read in the query's zone (<c>timeZone</c>, else <c>utcOffset</c>, else <paramref name="readerZone"/>, the
/// console reader's; else UTC), and a bare date as <c>to</c> includes its day (<see cref="QueryTime"/>, decision 260).
/// </remarks>
internal sealed class MentionQueryParameters(IQueryCollection query, DateTimeOffset? now = null, MentionDateOptions? dates = null, TimeZoneInfo? readerZone = null)
{
    private bool zoneRead;
    private TimeZoneInfo? zone;
    private TimeSpan offset;
    private bool offsetGiven;

    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    /// <summary>The API's English sentences by parameter name, for a validation problem's <c>errors</c>.</summary>
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    // The names the request read, for RefuseUnread; as ASP.NET Core reads query keys, without regard to case.
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether anything read <paramref name="name"/> (any capitals): the console's export link carries only those.</summary>
    public bool WasRead(string name) => _read.Contains(name);

    /// <summary>The same refusals in order, each with its code and arguments.</summary>
    public List<ParameterProblem> Problems { get; } = [];

    public MentionFilter Filter()
    {
        ReadZone();
        var from = Time("from");
        var to = Time("to", out var toIsDate);
        if (from is not null && to is not null && from >= to)
        {
            // Said with the texts given: a date as 'to' is read as the next midnight, which the reader never typed.
            var message = $"'to' ({Text("to")}) must be after 'from' ({Text("from")})" + (toIsDate ? "; a date as 'to' includes its day." : ".");
            Fail("to", ParameterCodes.ToNotAfterFrom, message, Text("to")!, Text("from")!);
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
                Fail("sentiment", ParameterCodes.NotASentiment, $"'{label}' is not a sentiment; use negative, neutral or positive.", label);
            }
        }

        var minReach = Integer("minReach", 0, long.MaxValue);
        var q = Text("q");
        if (SearchQuerySyntax.Diagnose(q) is { } problem)
        {
            Fail("q", problem.Code, $"'{ProblemText.Quote(q!)}' is not a valid search query: {problem.Message}.", problem.Arguments);
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

    /// <summary>The stats' fixed offset (<c>+08:00</c>, <c>-05:30</c>); zero when not given.</summary>
    public TimeSpan UtcOffset()
    {
        ReadZone();
        return offset;
    }

    /// <summary>
    /// The stats' zone with daylight saving (decision 259): an IANA id such as America/New_York (a Windows id when .NET
    /// knows it). Null when not given. Given with <c>utcOffset</c> it is refused: which of the two cuts the days would be a guess.
    /// </summary>
    public TimeZoneInfo? TimeZone()
    {
        ReadZone();
        return zone;
    }

    /// <summary>Whether the query names its own zone (<c>timeZone</c> or <c>utcOffset</c>, even +00:00), over the reader's.</summary>
    public bool NamesZone
    {
        get
        {
            ReadZone();
            return zone is not null || offsetGiven;
        }
    }

    /// <summary>The zone dates without an offset are read in (decision 260).</summary>
    public TimeZoneInfo DateZone()
    {
        ReadZone();
        return zone ?? (offsetGiven ? QueryTime.Fixed(offset) : readerZone ?? TimeZoneInfo.Utc);
    }

    /// <summary><c>timeZone</c> and <c>utcOffset</c>, read and refused once whichever asks first (the filter's dates or the stats).</summary>
    private void ReadZone()
    {
        if (zoneRead)
        {
            return;
        }

        zoneRead = true;
        var offsetText = Text("utcOffset");
        if (offsetText is not null)
        {
            if (QueryTime.TryParseOffset(offsetText, out var parsed))
            {
                offset = parsed;
                offsetGiven = true;
            }
            else
            {
                Fail("utcOffset", ParameterCodes.NotAUtcOffset, $"'{offsetText}' is not a UTC offset; use the form +08:00 or -05:00.", offsetText);
            }
        }

        if (Text("timeZone") is not { } text)
        {
            return;
        }

        if (!QueryTime.TryFindZone(text, out var found))
        {
            Fail("timeZone", ParameterCodes.NotATimeZone, $"'{text}' is not a time zone; use an IANA id such as America/New_York or Asia/Shanghai.", text);
            return;
        }

        if (offsetText is not null)
        {
            const string message = "Give 'timeZone' or 'utcOffset', not both; 'timeZone' follows daylight saving.";
            Fail("timeZone", ParameterCodes.TimeZoneAndUtcOffset, message, text, offsetText);
            Fail("utcOffset", ParameterCodes.TimeZoneAndUtcOffset, message, text, offsetText);
            offset = TimeSpan.Zero;
            offsetGiven = false;
            return;
        }

        zone = found;
    }

    public int Integer(string name, int fallback, int min, int max) => (int)(Integer(name, min, max) ?? fallback);

    /// <summary>
    /// Refuses every parameter of the query that nothing read (call it after the reads): <c>?sentimnet=negative</c> answered
    /// every mention as if no filter had been asked for. The refusal names the parameter read that it looks like.
    /// </summary>
    /// <param name="ignored">Parameters this request takes and does not use (the export takes a search's sort and paging).</param>
    public void RefuseUnread(params string[] ignored)
    {
        foreach (var name in query.Keys)
        {
            if (_read.Contains(name) || ignored.Contains(name, StringComparer.OrdinalIgnoreCase) || Errors.ContainsKey(name))
            {
                continue;
            }

            var near = ClosestName.Of(name, _read.Concat(ignored));
            Fail(name, ParameterCodes.NotAParameter,
                $"'{name}' is not a parameter of this request" + (near is null ? "." : $"; did you mean '{near}'?"),
                near is null ? [name] : [name, near]);
        }
    }

    public string? Text(string name)
    {
        _read.Add(name);
        var values = query[name];
        if (values.Count > 1)
        {
            // ?source=weibo&source=reddit was read as one source "weibo,reddit" and found nothing, without a word (decision 254).
            if (!Errors.ContainsKey(name))
            {
                Fail(name, ParameterCodes.Repeated, $"'{name}' is given {values.Count} times; give it once.", name, values.Count.ToString(CultureInfo.InvariantCulture));
            }

            return null;
        }

        var value = values.ToString();
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

        // Without a real upper bound (int or long's largest) the reader is told the lower one only, in the API's sentence too.
        var code = max is int.MaxValue or long.MaxValue ? ParameterCodes.NotAWholeNumberAtLeast : ParameterCodes.NotAWholeNumberInRange;
        Fail(name, code, code == ParameterCodes.NotAWholeNumberAtLeast ? $"'{text}' is not a whole number of at least {min}." : $"'{text}' is not a whole number from {min} to {max}.",
            text, min.ToString(CultureInfo.InvariantCulture), max.ToString(CultureInfo.InvariantCulture));
        return null;
    }

    private DateTimeOffset? Time(string name) => Time(name, out _);

    private DateTimeOffset? Time(string name, out bool isDate)
    {
        isDate = false;
        if (Text(name) is not { } text)
        {
            return null;
        }

        // A time without an offset is the query's zone's wall clock; a date as 'to' includes its day (decision 260).
        // Bounded like publish times, with a year's slack ahead (MentionDateOptions.QueryLatest).
        var window = dates ?? MentionDateOptions.Default;
        var at = now ?? DateTimeOffset.UtcNow;
        switch (window.ReadQueryDate(text, DateZone(), periodEnd: name == "to", at, out var value, out isDate))
        {
            case QueryDateRead.Read:
                return value;
            case QueryDateRead.OutsideWindow:
                var earliest = window.EarliestPublishedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var latest = window.QueryLatest(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                Fail(name, ParameterCodes.OutsideSearchableRange, $"'{text}' is outside the searchable range {earliest} to {latest}.", text, earliest, latest);
                return null;
            default:
                Fail(name, ParameterCodes.NotADate, $"'{text}' is not a date or time; use ISO 8601 such as 2026-11-01 or 2026-11-01T08:00:00+08:00.", text);
                return null;
        }
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

        Fail(name, ParameterCodes.NotAChoice, $"'{text}' is not one of {string.Join(", ", choices.Keys)}.", [text, .. choices.Keys]);
        return fallback;
    }

    /// <summary>Refuses parameter <paramref name="name"/>: <paramref name="message"/> is the API's English sentence,
    /// <paramref name="code"/> (one of <see cref="ParameterCodes"/>) and <paramref name="arguments"/> what other languages say it from.</summary>
    public void Fail(string name, string code, string message, params string[] arguments)
    {
        Errors[name] = Errors.TryGetValue(name, out var existing) ? [.. existing, message] : [message];
        Problems.Add(new ParameterProblem(name, code, message, arguments));
    }

    /// <summary>A search query the engine refused after the syntax check passed (<see cref="InvalidSearchQueryException"/>).</summary>
    public void Fail(InvalidSearchQueryException refused) =>
        Fail("q", ParameterCodes.QueryUnreadable, refused.Reason, refused.Reason);

    /// <summary>A paging cursor the index did not issue, or issued for another sort order.</summary>
    public void Fail(InvalidCursorException refused) =>
        Fail("cursor", ParameterCodes.InvalidCursor, refused.Message);
}

/// <summary>One refused parameter: its name, a stable code, the API's English sentence, and the arguments the code is said with.</summary>
public sealed record ParameterProblem(string Field, string Code, string Message, IReadOnlyList<string> Arguments);

/// <summary>
/// The codes of <see cref="ParameterProblem"/>; with the search query's own (<see cref="SearchQueryProblem"/>, <c>query-…</c>).
/// Stable: the console's resources are keyed by them (<c>param-{code}</c>).
/// </summary>
public static class ParameterCodes
{
    /// <summary>Arguments: the text given.</summary>
    public const string NotADate = "not-a-date";

    /// <summary>Arguments: the text given, the earliest and the latest searchable day (yyyy-MM-dd).</summary>
    public const string OutsideSearchableRange = "outside-searchable-range";

    /// <summary>Arguments: the given 'to', the given 'from'.</summary>
    public const string ToNotAfterFrom = "to-not-after-from";

    /// <summary>Arguments: the text given.</summary>
    public const string NotASentiment = "not-a-sentiment";

    /// <summary>Arguments: the text given, the least and the largest allowed.</summary>
    public const string NotAWholeNumberInRange = "not-a-whole-number-in-range";

    /// <summary>Arguments: the text given, the least allowed (and the type's largest, which nobody needs to read).</summary>
    public const string NotAWholeNumberAtLeast = "not-a-whole-number-at-least";

    /// <summary>Arguments: the text given, then every allowed value.</summary>
    public const string NotAChoice = "not-a-choice";

    /// <summary>Arguments: the text given.</summary>
    public const string NotAUtcOffset = "not-a-utc-offset";

    /// <summary>Arguments: the text given.</summary>
    public const string NotATimeZone = "not-a-time-zone";

    /// <summary>Arguments: the time zone given, the offset given.</summary>
    public const string TimeZoneAndUtcOffset = "time-zone-and-utc-offset";

    /// <summary>Arguments: the interval, the largest number of buckets.</summary>
    public const string TooManyBuckets = "too-many-buckets";

    /// <summary>Arguments: the engine's reason (English).</summary>
    public const string QueryUnreadable = "query-unreadable";

    /// <summary>No arguments.</summary>
    public const string InvalidCursor = "invalid-cursor";

    /// <summary>Arguments: the name given, then the parameter it looks like when one does.</summary>
    public const string NotAParameter = "not-a-parameter";

    /// <summary>Arguments: the parameter, how many times it was given.</summary>
    public const string Repeated = "repeated-parameter";
}
