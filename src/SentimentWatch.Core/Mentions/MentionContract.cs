using System.Globalization;
using System.Text;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// The one statement of what a mention's fields may hold (decision 081): lengths, characters,
/// the publish-time window. The intake door refuses what breaks it with a 400 naming the field
/// (<see cref="Check"/>); channels that cannot be refused — crawlers, replay files — are made to
/// fit at the ledger's door (<see cref="Fit"/>), so no field can hold the pipeline up (Lucene
/// refuses terms over 32 KiB) or carry NUL and other control characters into the store.
/// </summary>
public static class MentionContract
{
    public const int MaxSourceLength = 100;
    public const int MaxExternalIdLength = 500;
    public const int MaxUrlLength = 2_048;
    public const int MaxAuthorLength = 200;
    public const int MaxThreadIdLength = 500;
    public const int MaxTitleLength = 1_000;
    public const int MaxTextLength = 100_000;
    public const int MaxLanguageLength = 16;

    /// <summary>
    /// The largest reach, likes, replies or shares a mention may carry: 100 billion, above any count a site shows (the
    /// most-viewed videos have tens of billions of views), and small enough that sums over millions of mentions fit in a
    /// long: alerting adds reach over its windows, and one absurd value must not make it skip a post.
    /// </summary>
    public const long MaxEngagement = 100_000_000_000;

    /// <summary>The README's API table, field by field; kept here so documentation and checks cannot drift apart.</summary>
    public static readonly IReadOnlyList<(string Field, string Rule)> Rules =
    [
        ("source", $"required; 1–{MaxSourceLength} characters: letters, digits and . _ - : /"),
        ("externalId", $"optional; at most {MaxExternalIdLength} characters, no control characters"),
        ("url", $"optional; an absolute http(s) URL of at most {MaxUrlLength} characters"),
        ("author", $"optional; at most {MaxAuthorLength} characters, no control characters"),
        ("threadId", $"optional; at most {MaxThreadIdLength} characters, no control characters"),
        ("title", $"optional; at most {MaxTitleLength} characters; control characters other than tab and line breaks are removed"),
        ("text", $"required, not blank; at most {MaxTextLength} characters; control characters other than tab and line breaks are removed"),
        ("language", $"optional; a language tag such as zh, en or zh-Hant, at most {MaxLanguageLength} characters"),
        ("publishedAt", "required; ISO 8601 with offset, from Mentions:EarliestPublishedAt (default 2000-01-01) to now + Mentions:FutureSkew (default 1 day)"),
        ("reach, likes, replies, shares", "optional; whole numbers from 0 to 100,000,000,000"),
        ("directComplaint", "optional; true or false (true opens a complaint case whatever the score)"),
    ];

    /// <summary>Problems keyed by <paramref name="prefix"/> + field name; empty when the fields keep the contract.</summary>
    public static Dictionary<string, string[]> Check(MentionFields fields, DateTimeOffset now, MentionDateOptions dates, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message) => errors[prefix + field] = [message];

        if (string.IsNullOrWhiteSpace(fields.Source))
        {
            Add("source", "source is required (the channel this mention came from, e.g. 'app-feedback')");
        }
        else if (fields.Source.Trim().Length > MaxSourceLength)
        {
            Add("source", $"source must be at most {MaxSourceLength} characters (was {fields.Source.Length})");
        }
        else if (fields.Source.Trim().FirstOrDefault(c => !IsSourceChar(c)) is var bad and not '\0')
        {
            Add("source", $"source may hold letters, digits and . _ - : / only (found {Describe(bad)})");
        }

        if (string.IsNullOrWhiteSpace(fields.Text))
        {
            Add("text", "text is required and must not be blank");
        }
        else if (fields.Text.Length > MaxTextLength)
        {
            Add("text", $"text must be at most {MaxTextLength} characters (was {fields.Text.Length})");
        }
        else if (RemoveControls(fields.Text).Trim().Length == 0)
        {
            Add("text", "text holds only control characters");
        }

        if (fields.Title is { Length: > MaxTitleLength })
        {
            Add("title", $"title must be at most {MaxTitleLength} characters (was {fields.Title.Length})");
        }

        CheckIdentifier("externalId", fields.ExternalId, MaxExternalIdLength, Add);
        CheckIdentifier("author", fields.Author, MaxAuthorLength, Add);
        CheckIdentifier("threadId", fields.ThreadId, MaxThreadIdLength, Add);

        if (fields.Url is { } url)
        {
            if (url.Length > MaxUrlLength)
            {
                Add("url", $"url must be at most {MaxUrlLength} characters (was {url.Length})");
            }
            else if (!(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) || url.Any(char.IsControl))
            {
                Add("url", $"url must be an absolute http(s) URL (was '{Truncate(url)}')");
            }
        }

        if (fields.Language is { } language && !string.IsNullOrWhiteSpace(language) && !IsLanguageTag(language.Trim()))
        {
            Add("language", $"language must be a language tag such as zh, en or zh-Hant of at most {MaxLanguageLength} characters (was '{Truncate(language)}')");
        }

        if (fields.PublishedAt is not { } published)
        {
            Add("publishedAt", "publishedAt is required (ISO 8601 with offset, e.g. 2026-11-20T14:03:00+08:00)");
        }
        else if (!dates.Allows(published, now))
        {
            Add("publishedAt", $"publishedAt must be from {dates.EarliestPublishedAt:yyyy-MM-dd} to {now + dates.FutureSkew:yyyy-MM-ddTHH:mm}Z (now + {dates.FutureSkew.TotalHours:0.#} h for clock skew); was {published:O}");
        }

        foreach (var (field, value) in new[] { ("reach", fields.Reach), ("likes", fields.Likes), ("replies", fields.Replies), ("shares", fields.Shares) })
        {
            if (value < 0)
            {
                Add(field, $"{field} must not be negative (was {value})");
            }
            else if (value > MaxEngagement)
            {
                Add(field, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{field} must be at most {MaxEngagement:N0} (was {value:N0})"));
            }
        }

        return errors;
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// Makes a mention from a channel that cannot be refused keep the contract: control
    /// characters removed, over-long fields cut, a link that is not http(s) dropped, a publish time outside the window replaced by
    /// the collection time, engagement counts kept from 0 to <see cref="MaxEngagement"/>. Idempotent,
    /// so a re-prepared mention is unchanged.
    /// </summary>
    public static Mention Fit(Mention mention, MentionDateOptions? dates = null)
    {
        dates ??= MentionDateOptions.Default;
        return mention with
        {
            Source = Cut(RemoveControls(mention.Source, keepLineBreaks: false).Trim(), MaxSourceLength),
            ExternalId = FitIdentifier(mention.ExternalId, MaxExternalIdLength),
            // Only an http(s) link to the original is kept: a crawled feed or API can name javascript: or data: URLs, which the
            // console, the chat robots and the CSV export would otherwise hand on as links.
            Url = mention.Url is { } url && Cut(RemoveControls(url, keepLineBreaks: false), MaxUrlLength) is var fitted && IsHttpUrl(fitted) ? fitted : null,
            Author = FitIdentifier(mention.Author, MaxAuthorLength),
            ThreadId = FitIdentifier(mention.ThreadId, MaxThreadIdLength),
            Title = mention.Title is { } title ? Cut(RemoveControls(title), MaxTitleLength) : null,
            Text = Cut(RemoveControls(mention.Text), MaxTextLength),
            Language = IsLanguageTag(mention.Language) ? mention.Language : LanguageDetector.Undetermined,
            PublishedAt = dates.Allows(mention.PublishedAt, mention.CollectedAt) ? mention.PublishedAt : mention.CollectedAt,
            Engagement = Fit(mention.Engagement),
        };
    }

    private static Engagement Fit(Engagement e) =>
        e is { Reach: >= 0 and <= MaxEngagement, Likes: >= 0 and <= MaxEngagement, Replies: >= 0 and <= MaxEngagement, Shares: >= 0 and <= MaxEngagement }
            ? e
            : new Engagement(Math.Clamp(e.Reach, 0, MaxEngagement), Math.Clamp(e.Likes, 0, MaxEngagement), Math.Clamp(e.Replies, 0, MaxEngagement), Math.Clamp(e.Shares, 0, MaxEngagement));

    /// <summary>
    /// <paramref name="text"/> without C0/C1 control characters (NUL among them), unpaired
    /// surrogates and non-characters; tab and line breaks are kept in free text.
    /// </summary>
    public static string RemoveControls(string text, bool keepLineBreaks = true)
    {
        var i = 0;
        for (; i < text.Length; i++)
        {
            if (!Keeps(text, i, keepLineBreaks))
            {
                break;
            }
        }

        if (i == text.Length)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        clean.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            if (Keeps(text, i, keepLineBreaks))
            {
                clean.Append(text[i]);
            }
        }

        return clean.ToString();
    }

    private static bool Keeps(string text, int i, bool keepLineBreaks)
    {
        var c = text[i];
        if (c < ' ' || c is >= '\u007f' and <= '\u009f')
        {
            return keepLineBreaks && c is '\t' or '\n' or '\r';
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]);
        }

        return c is not ('\uFFFE' or '\uFFFF');
    }

    private static void CheckIdentifier(string field, string? value, int max, Action<string, string> add)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > max)
        {
            add(field, $"{field} must be at most {max} characters (was {value.Length})");
        }
        else if (RemoveControls(value, keepLineBreaks: false).Length != value.Length)
        {
            add(field, $"{field} must not contain control characters (found {Describe(value.First(c => RemoveControls(c.ToString(), keepLineBreaks: false).Length == 0))})");
        }
    }

    private static string? FitIdentifier(string? value, int max) =>
        value is null ? null : Cut(RemoveControls(value, keepLineBreaks: false), max);

    private static string Cut(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        // Never split a surrogate pair: half an emoji is an invalid string to every store.
        var end = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..end];
    }

    private static bool IsSourceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/';

    /// <summary>BCP 47 shaped (zh, en, zh-Hant, en-US), or the pipeline's own <c>mixed</c> / <c>und</c>.</summary>
    public static bool IsLanguageTag(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLanguageLength)
        {
            return false;
        }

        var parts = value.Split('-');
        return parts[0].Length is >= 2 and <= 8 && parts[0].All(char.IsAsciiLetter)
            && parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
    }

    private static string Describe(char c) => char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c)
        ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
        : $"'{c}'";

    private static string Truncate(string value)
    {
        var visible = RemoveControls(value, keepLineBreaks: false);
        return visible.Length <= 80 ? visible : visible[..80] + "…";
    }
}

/// <summary>The raw fields a channel hands over, before any of them is trusted.</summary>
public sealed record MentionFields(
    string? Source,
    string? ExternalId,
    string? Url,
    string? Author,
    string? ThreadId,
    string? Title,
    string? Text,
    string? Language,
    DateTimeOffset? PublishedAt,
    long? Reach = null,
    long? Likes = null,
    long? Replies = null,
    long? Shares = null);

/// <summary>
/// The publish-time window (<c>Mentions</c> section): a mention dated before the earliest date or
/// after now + the skew is a broken clock or a typo, never news; queries are bounded the same way.
/// </summary>
public sealed class MentionDateOptions
{
    public const string SectionName = "Mentions";

    public static readonly MentionDateOptions Default = new();

    public DateTimeOffset EarliestPublishedAt { get; set; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead of this machine's clock a publish time may be (the origin's clock may run fast).</summary>
    public TimeSpan FutureSkew { get; set; } = TimeSpan.FromDays(1);

    public DateTimeOffset Latest(DateTimeOffset now) =>
        now.UtcDateTime.Ticks + FutureSkew.Ticks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue : now + FutureSkew;

    public bool Allows(DateTimeOffset value, DateTimeOffset now) => value >= EarliestPublishedAt && value <= Latest(now);

    /// <summary>How far past now a query's period may reach: a year's slack for "until the end of the period" views.</summary>
    public const int QueryFutureDays = 366;

    /// <summary>
    /// The latest instant a query may name (searches, case metrics and exports): bounded like publish
    /// times, with <see cref="QueryFutureDays"/> of slack, so no date arithmetic downstream can leave
    /// DateTimeOffset's range.
    /// </summary>
    public DateTimeOffset QueryLatest(DateTimeOffset now) =>
        now.UtcDateTime.Ticks + TimeSpan.FromDays(QueryFutureDays).Ticks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue : now.AddDays(QueryFutureDays);

    /// <summary>Whether a query may name <paramref name="value"/>: from <see cref="EarliestPublishedAt"/> to <see cref="QueryLatest"/>.</summary>
    public bool AllowsInQuery(DateTimeOffset value, DateTimeOffset now) => value >= EarliestPublishedAt && value <= QueryLatest(now);

    /// <summary>
    /// Reads one end of a query's period as every reader of periods does (decision 260): <see cref="QueryTime.TryRead"/> in
    /// <paramref name="zone"/>, then <see cref="TryBound"/>. <paramref name="isDate"/> says whether a date without a time was given.
    /// </summary>
    public QueryDateRead ReadQueryDate(string text, TimeZoneInfo zone, bool periodEnd, DateTimeOffset now, out DateTimeOffset value, out bool isDate)
    {
        value = default;
        isDate = false;
        if (!QueryTime.TryRead(text, zone, periodEnd, out var reading))
        {
            return QueryDateRead.NotADate;
        }

        if (!TryBound(reading, now, out value))
        {
            return QueryDateRead.OutsideWindow;
        }

        isDate = reading.IsDate;
        return QueryDateRead.Read;
    }

    /// <summary>
    /// Whether a query may name what <paramref name="reading"/> read, and the instant it stands for. An instant with an offset
    /// must lie in the window (<see cref="AllowsInQuery"/>). A date or time the reader typed in their own zone (decision 260)
    /// is checked by the day typed against the window's first and last days, as the refusal names them, and its instant is
    /// then kept inside the window: in Shanghai 2000-01-01 starts at 16:00 UTC the day before, and a 'to' on the last day
    /// ends at the next midnight.
    /// </summary>
    public bool TryBound(QueryTime.Reading reading, DateTimeOffset now, out DateTimeOffset value)
    {
        var earliest = EarliestPublishedAt;
        var latest = QueryLatest(now);
        value = reading.Instant;
        if (reading.TypedDay is not { } day)
        {
            return AllowsInQuery(value, now);
        }

        if (day < DateOnly.FromDateTime(earliest.UtcDateTime) || day > DateOnly.FromDateTime(latest.UtcDateTime))
        {
            return false;
        }

        value = value < earliest ? earliest : value > latest ? latest : value;
        return true;
    }
}

/// <summary>How one end of a query's period was read (<see cref="MentionDateOptions.ReadQueryDate"/>).</summary>
public enum QueryDateRead
{
    Read,
    NotADate,
    OutsideWindow,
}
