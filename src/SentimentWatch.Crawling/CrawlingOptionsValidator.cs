using AngleSharp.Css.Parser;
using Microsoft.Extensions.Options;
using Quartz;
using SentimentWatch.Core;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.Parsing;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling;

/// <summary>
/// Reports every configuration mistake at once, each naming its setting path. One source's checks
/// (<see cref="ValidateSource"/>) are the admin API's too, so a definition refused there is refused in
/// configuration at start-up, and the other way round.
/// </summary>
public sealed class CrawlingOptionsValidator : IValidateOptions<CrawlingOptions>
{
    /// <summary>
    /// A source id is in every mention id, log line and admin URL of the source: short enough that a
    /// request naming it never meets the server's request-line limit (414), so it can always be removed.
    /// </summary>
    public const int MaxIdLength = 64;

    /// <summary>Start URLs per source: each is fetched, logged and reported on every run.</summary>
    public const int MaxUrls = 100;

    /// <summary>A start URL or BaseUrl: as long as a mention's URL may be.</summary>
    public const int MaxUrlLength = MentionContract.MaxUrlLength;

    /// <summary>The shortest schedule interval (tests and fast feeds run every second).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest schedule interval: Quartz's next fire time must stay within DateTimeOffset's range, and a longer pause is Enabled: false.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(30);

    public ValidateOptionsResult Validate(string? name, CrawlingOptions options)
    {
        var failures = new List<string>();
        const string root = CrawlingOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.UserAgent))
        {
            failures.Add($"{root}:UserAgent must name the crawler honestly, e.g. 'SentimentWatchBot/1.0 (+https://your.site/bot)'");
        }

        if (options.ClusterCheckinInterval < TimeSpan.FromSeconds(1) || options.ClusterCheckinInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{root}:ClusterCheckinInterval must be between 00:00:01 and 00:05:00 (was {options.ClusterCheckinInterval})");
        }

        var p = options.Politeness;
        if (p.MaxConcurrencyPerHost is < 1 or > 32)
        {
            failures.Add($"{root}:Politeness:MaxConcurrencyPerHost must be between 1 and 32 (was {p.MaxConcurrencyPerHost})");
        }

        if (p.MinDelayPerHost < TimeSpan.Zero)
        {
            failures.Add($"{root}:Politeness:MinDelayPerHost must not be negative (was {p.MinDelayPerHost})");
        }

        if (p.RequestTimeout <= TimeSpan.Zero || p.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{root}:Politeness:RequestTimeout must be between 00:00:00.001 and 00:05:00 (was {p.RequestTimeout})");
        }

        if (p.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{root}:Politeness:MaxRetries must be between 0 and 10 (was {p.MaxRetries})");
        }

        if (p.RetryBaseDelay < TimeSpan.Zero || p.MaxRetryDelay < p.RetryBaseDelay)
        {
            failures.Add($"{root}:Politeness:RetryBaseDelay must be >= 0 and <= MaxRetryDelay");
        }

        if (p.MaxResponseBytes < 1024)
        {
            failures.Add($"{root}:Politeness:MaxResponseBytes must be at least 1024 (was {p.MaxResponseBytes})");
        }

        // An ordinary page parses in milliseconds, a busy forum's longest in tens of them: below a tenth of a second a slow
        // moment of the machine would skip ordinary pages.
        if (p.MaxParseTime < TimeSpan.FromMilliseconds(100) || p.MaxParseTime > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{root}:Politeness:MaxParseTime must be from 00:00:00.100 to 00:05:00 (was {p.MaxParseTime})");
        }

        var revisits = options.Revisits;
        if (revisits.MaxAge <= TimeSpan.Zero || revisits.MaxAge > TimeSpan.FromDays(30))
        {
            failures.Add($"{root}:Revisits:MaxAge must be between 00:00:01 and 30.00:00:00 (was {revisits.MaxAge})");
        }

        if (revisits.Every < TimeSpan.Zero)
        {
            failures.Add($"{root}:Revisits:Every must not be negative (was {revisits.Every})");
        }

        if (revisits.MaxPagesPerRun is < 0 or > 1000)
        {
            failures.Add($"{root}:Revisits:MaxPagesPerRun must be between 0 and 1000 (was {revisits.MaxPagesPerRun})");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var path = $"{root}:Sources:{i}";
            var source = options.Sources[i];
            if (!string.IsNullOrWhiteSpace(source.Id) && !seen.Add(source.Id))
            {
                failures.Add($"{path}:Id '{ProblemText.Quote(source.Id)}' is used by another source; ids must be unique");
            }

            failures.AddRange(ValidateSource(source, path, requireSchedule: true));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Checks one source definition; <paramref name="path"/> prefixes every message.</summary>
    public static IEnumerable<string> ValidateSource(CrawlSource source, string path, bool requireSchedule)
    {
        if (string.IsNullOrWhiteSpace(source.Id))
        {
            yield return $"{path}:Id is required (a stable name such as 'discuz-brand')";
        }
        else if (source.Id.Length > MaxIdLength)
        {
            yield return $"{path}:Id must be at most {MaxIdLength} characters (was {source.Id.Length}: '{ProblemText.Quote(source.Id)}')";
        }
        else if (source.Id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            yield return $"{path}:Id '{ProblemText.Quote(source.Id)}' may contain only letters, digits, '-', '_' and '.'";
        }

        if (!Enum.IsDefined(source.Kind))
        {
            yield return $"{path}:Kind must be one of rss, atom, html, json, mastodon, reddit, hackernews, discourse, v2ex, rsshub";
        }

        if (source.Render && source.Kind != SourceKind.Html)
        {
            yield return $"{path}:Render applies to kind 'html' only (feeds and JSON APIs need no browser)";
        }

        var platform = SourcePresets.IsPlatform(source.Kind);
        if (source.Urls.Count == 0 && !platform)
        {
            yield return $"{path}:Urls needs at least one absolute http(s) URL";
        }
        else if (source.Urls.Count > MaxUrls)
        {
            yield return $"{path}:Urls must list at most {MaxUrls} URLs (was {source.Urls.Count}); split them over several sources";
        }

        if (source.BaseUrl is { Length: > MaxUrlLength } longBase)
        {
            yield return $"{path}:BaseUrl must be at most {MaxUrlLength} characters (was {longBase.Length})";
        }

        foreach (var failure in platform ? SourcePresets.Validate(source, path) : [])
        {
            yield return failure;
        }

        foreach (var (name, value) in (source.Auth?.Headers ?? []).Concat(source.Auth?.Query ?? []))
        {
            if (value.Contains("${env:", StringComparison.Ordinal) && !System.Text.RegularExpressions.Regex.IsMatch(value, @"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}"))
            {
                yield return $"{path}:Auth:{name} '{ProblemText.Quote(value)}' should read ${{env:VARIABLE_NAME}}";
            }
        }

        // Past the limit, the count is the one fault reported: not one message per URL.
        for (var u = 0; u < Math.Min(source.Urls.Count, MaxUrls); u++)
        {
            var url = source.Urls[u] ?? string.Empty;
            if (url.Length > MaxUrlLength)
            {
                yield return $"{path}:Urls:{u} must be at most {MaxUrlLength} characters (was {url.Length}: '{ProblemText.Quote(url)}')";
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{path}:Urls:{u} '{ProblemText.Quote(url)}' is not an absolute http(s) URL";
            }
        }

        if (requireSchedule && source.Enabled)
        {
            if (source.Interval is null && string.IsNullOrWhiteSpace(source.Cron))
            {
                yield return $"{path} needs a schedule: set Interval (e.g. 00:15:00) or Cron (e.g. '0 0/15 * * * ?')";
            }
            else if (source.Interval is not null && !string.IsNullOrWhiteSpace(source.Cron))
            {
                yield return $"{path} sets both Interval and Cron; keep one";
            }
        }

        if (source.Interval is { } interval && (interval < MinInterval || interval > MaxInterval))
        {
            yield return $"{path}:Interval must be from {MinInterval:c} to {MaxInterval:c} (was {interval:c})";
        }

        if (!string.IsNullOrWhiteSpace(source.Cron) && !CronExpression.TryParse(source.Cron, out _))
        {
            yield return $"{path}:Cron '{ProblemText.Quote(source.Cron)}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week)";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(source.TimeZone, out _))
        {
            yield return $"{path}:TimeZone '{ProblemText.Quote(source.TimeZone)}' is not a known time zone (e.g. 'Asia/Shanghai', 'UTC')";
        }

        if (source.MaxPages is < 1 or > 1000)
        {
            yield return $"{path}:MaxPages must be between 1 and 1000 (was {source.MaxPages})";
        }

        if (source.MaxThreads is < 1 or > 10_000)
        {
            yield return $"{path}:MaxThreads must be between 1 and 10000 (was {source.MaxThreads})";
        }

        if (source.Kind == SourceKind.Html)
        {
            foreach (var failure in ValidateSelectors(source.Selectors, path + ":Selectors"))
            {
                yield return failure;
            }
        }

        if (source.Kind == SourceKind.Json)
        {
            if (source.Json is null)
            {
                yield return $"{path}:Json is required for kind 'json' (Items, Id, Text paths)";
            }
            else
            {
                if (string.IsNullOrWhiteSpace(source.Json.Text))
                {
                    yield return $"{path}:Json:Text must give the path of the item text";
                }

                if (!string.IsNullOrWhiteSpace(source.Json.NextCursor) && string.IsNullOrWhiteSpace(source.Json.CursorParameter))
                {
                    yield return $"{path}:Json:CursorParameter is required with Json:NextCursor (the query parameter that carries it)";
                }
            }
        }
    }

    private static IEnumerable<string> ValidateSelectors(HtmlSelectors? selectors, string path)
    {
        if (selectors is null)
        {
            yield return $"{path} is required for kind 'html' (at least Post and Text)";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(selectors.Post))
        {
            yield return $"{path}:Post is required: the CSS selector of one post container";
        }

        if (string.IsNullOrWhiteSpace(selectors.Text))
        {
            yield return $"{path}:Text is required: the CSS selector of the post body within a post";
        }

        var fields = new (string Name, string? Value)[]
        {
            ("ThreadLink", selectors.ThreadLink), ("ThreadReplies", selectors.ThreadReplies), ("ListNextPage", selectors.ListNextPage),
            ("Title", selectors.Title), ("Post", selectors.Post), ("Text", selectors.Text), ("Author", selectors.Author),
            ("Time", selectors.Time), ("PostId", selectors.PostId), ("Link", selectors.Link), ("Replies", selectors.Replies),
            ("Likes", selectors.Likes), ("NextPage", selectors.NextPage),
        };
        var parser = new CssSelectorParser();
        foreach (var (fieldName, value) in fields.Concat(selectors.Remove.Select((r, i) => ($"Remove:{i}", (string?)r))))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            foreach (var alternative in FieldSelector.Parse(value).Alternatives)
            {
                if (alternative.Css.Length > 0 && parser.ParseSelector(alternative.Css) is null)
                {
                    yield return $"{path}:{fieldName} '{ProblemText.Quote(alternative.Css)}' is not a valid CSS selector";
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(selectors.PostIdPattern))
        {
            string? error = null;
            try
            {
                _ = new System.Text.RegularExpressions.Regex(selectors.PostIdPattern);
            }
            catch (ArgumentException ex)
            {
                error = ex.Message;
            }

            if (error is not null)
            {
                yield return $"{path}:PostIdPattern is not a valid regular expression: {error}";
            }
        }
    }
}
