using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>The ETag / Last-Modified a server gave for a URL, sent back to get a cheap 304.</summary>
public sealed record ConditionalValidators(string? ETag, string? LastModified)
{
    public bool IsEmpty => string.IsNullOrEmpty(ETag) && string.IsNullOrEmpty(LastModified);
}

public enum FetchOutcome
{
    Ok,
    NotModified,
    Disallowed,
    Failed,
}

/// <summary>What one polite fetch produced: a decoded page, a 304, a robots refusal or a failure with its kind.</summary>
public sealed record FetchResult
{
    public required Uri Uri { get; init; }
    public required FetchOutcome Outcome { get; init; }
    public int StatusCode { get; init; }
    public string? Text { get; init; }
    public string? ContentType { get; init; }
    public string? Encoding { get; init; }
    public ConditionalValidators? Validators { get; init; }
    public bool Truncated { get; init; }
    public int Attempts { get; init; }

    /// <summary>The <c>rel="next"</c> target of a <c>Link</c> response header, when the server sent one.</summary>
    public Uri? NextLink { get; init; }

    /// <summary>timeout, network, http_429, http_5xx, http_4xx, robots.</summary>
    public string? ErrorKind { get; init; }

    public string? Error { get; init; }
}

/// <summary>
/// The one way the crawler talks HTTP: robots.txt first, then per-host gate, conditional GET,
/// per-attempt timeout, retries with exponential backoff and jitter on timeouts, network
/// errors, 408, 429 (honouring Retry-After) and 5xx, a body size cap and charset detection.
/// </summary>
public sealed partial class PageFetcher(
    IHttpClientFactory clients,
    IOptionsMonitor<CrawlingOptions> options,
    HostGate gate,
    RobotsCache robots,
    TimeProvider time,
    ILogger<PageFetcher> logger)
{
    public const string HttpClientName = "SentimentWatch.Crawler";

    /// <summary>Redirects followed per fetch, each target checked against its own robots.txt.</summary>
    public const int MaxRedirects = 5;

    // Swapped as one reference so concurrent runs never pair options with another pipeline.
    private CachedPipeline? _pipeline;

    private sealed record CachedPipeline(PolitenessOptions Options, ResiliencePipeline<Attempt> Pipeline);

    internal sealed record Attempt(
        HttpStatusCode Status,
        byte[] Body,
        bool Truncated,
        string? Charset,
        string? ContentType,
        string? ETag,
        string? LastModified,
        RetryConditionHeaderValue? RetryAfter,
        Uri FinalUri,
        string? NextLink,
        Uri? Location = null);

    public Task<FetchResult> FetchAsync(Uri uri, ConditionalValidators? validators, CancellationToken cancellationToken) =>
        FetchAsync(uri, validators, auth: null, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(Uri, ConditionalValidators?, CancellationToken)"/>, with a source's
    /// credentials added to the request alone: <see cref="FetchResult.Uri"/>, errors and logs name
    /// the URL without them.
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri uri, ConditionalValidators? validators, Sources.SourceAuth? auth, CancellationToken cancellationToken)
    {
        var politeness = options.CurrentValue.Politeness;
        if (politeness.RespectRobotsTxt && !await robots.IsAllowedAsync(uri, cancellationToken))
        {
            LogDisallowed(uri);
            return new FetchResult { Uri = uri, Outcome = FetchOutcome.Disallowed, ErrorKind = "robots", Error = $"robots.txt disallows {uri.PathAndQuery}" };
        }

        var attempts = 0;
        Attempt attempt;
        var target = uri;
        var hops = 0;
        while (true)
        {
            try
            {
                var current = target;
                // Conditional headers and credentials belong to the URL asked for; a redirect to
                // another host gets neither (a token must not follow a link off its site).
                var hopValidators = hops == 0 ? validators : null;
                var hopAuth = current.Authority == uri.Authority ? auth : null;
                attempt = await PipelineFor(politeness).ExecuteAsync(
                    async token =>
                    {
                        attempts++;
                        return await SendOnceAsync(current, hopValidators, hopAuth, politeness, token);
                    },
                    cancellationToken);
            }
            catch (TimeoutRejectedException)
            {
                return Failure(uri, attempts, 0, "timeout", $"no complete response within {politeness.RequestTimeout} after {attempts} attempt(s)");
            }
            catch (HttpRequestException ex)
            {
                return Failure(uri, attempts, 0, "network", ex.Message);
            }

            if ((int)attempt.Status is not (301 or 302 or 303 or 307 or 308) || attempt.Location is null)
            {
                break;
            }

            if (++hops > MaxRedirects)
            {
                return Failure(uri, attempts, (int)attempt.Status, "http_redirect", $"more than {MaxRedirects} redirects from {uri}");
            }

            target = new Uri(target, attempt.Location);
            if (target.Scheme is not ("http" or "https"))
            {
                return Failure(uri, attempts, (int)attempt.Status, "http_redirect", $"{uri} redirects to a non-web address");
            }

            if (politeness.RespectRobotsTxt && !await robots.IsAllowedAsync(target, cancellationToken))
            {
                LogRedirectDisallowed(uri, target);
                return new FetchResult { Uri = uri, Outcome = FetchOutcome.Disallowed, ErrorKind = "robots", Error = $"{uri.PathAndQuery} redirects to {target}, which robots.txt disallows" };
            }
        }

        var status = (int)attempt.Status;
        if (attempt.Status == HttpStatusCode.NotModified)
        {
            return new FetchResult { Uri = uri, Outcome = FetchOutcome.NotModified, StatusCode = status, Validators = validators, Attempts = attempts };
        }

        if (status is < 200 or >= 300)
        {
            var kind = status == 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
            return Failure(uri, attempts, status, kind, $"HTTP {status} from {uri} after {attempts} attempt(s)");
        }

        var (text, encoding) = CharsetDetector.Decode(attempt.Body, attempt.Charset);
        if (attempt.Truncated)
        {
            LogTruncated(uri, politeness.MaxResponseBytes);
        }

        return new FetchResult
        {
            // A redirect target carries the credentials' query too: report the URL as asked for then.
            Uri = auth is { Query.Count: > 0 } ? uri : target,
            NextLink = attempt.NextLink is { } next ? new Uri(target, next) : null,
            Outcome = FetchOutcome.Ok,
            StatusCode = status,
            Text = text,
            ContentType = attempt.ContentType,
            Encoding = encoding.WebName,
            Validators = new ConditionalValidators(attempt.ETag, attempt.LastModified),
            Truncated = attempt.Truncated,
            Attempts = attempts,
        };
    }

    private static FetchResult Failure(Uri uri, int attempts, int status, string kind, string message) =>
        new() { Uri = uri, Outcome = FetchOutcome.Failed, StatusCode = status, Attempts = attempts, ErrorKind = kind, Error = message };

    private async ValueTask<Attempt> SendOnceAsync(Uri uri, ConditionalValidators? validators, Sources.SourceAuth? auth, PolitenessOptions politeness, CancellationToken cancellationToken)
    {
        using var lease = await gate.EnterAsync(uri, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, WithCredentials(uri, auth));
        foreach (var (name, value) in auth?.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, Sources.SourceAuth.Resolve(value));
        }

        if (!string.IsNullOrEmpty(validators?.ETag))
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", validators.ETag);
        }

        if (!string.IsNullOrEmpty(validators?.LastModified))
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", validators.LastModified);
        }

        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var (body, truncated) = response.IsSuccessStatusCode
            ? await ReadCappedAsync(response.Content, politeness.MaxResponseBytes, cancellationToken)
            : ([], false);
        return new Attempt(
            response.StatusCode,
            body,
            truncated,
            response.Content.Headers.ContentType?.CharSet,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.ETag?.ToString(),
            response.Content.Headers.LastModified?.ToString("R"),
            response.Headers.RetryAfter,
            response.RequestMessage?.RequestUri ?? uri,
            response.Headers.TryGetValues("Link", out var links) ? NextFromLinkHeader(string.Join(',', links)) : null,
            response.Headers.Location);
    }

    private static Uri WithCredentials(Uri uri, Sources.SourceAuth? auth)
    {
        if (auth is not { Query.Count: > 0 })
        {
            return uri;
        }

        var extra = auth.Query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(Sources.SourceAuth.Resolve(p.Value)));
        var query = uri.Query.TrimStart('?');
        return new UriBuilder(uri) { Query = string.Join('&', (query.Length > 0 ? [query] : Array.Empty<string>()).Concat(extra)) }.Uri;
    }

    /// <summary>The target of <c>rel="next"</c> in an RFC 8288 Link header (<c>&lt;url&gt;; rel="next", …</c>).</summary>
    internal static string? NextFromLinkHeader(string header)
    {
        foreach (var part in header.Split(','))
        {
            var open = part.IndexOf('<');
            var close = part.IndexOf('>');
            if (open >= 0 && close > open && System.Text.RegularExpressions.Regex.IsMatch(part[close..], @"rel\s*=\s*""?([^""]*\s)?next(\s[^""]*)?""?", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            {
                return part[(open + 1)..close].Trim();
            }
        }

        return null;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of a body; the rest is never downloaded.</summary>
    public static async Task<(byte[] Body, bool Truncated)> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < maxBytes)
        {
            var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - buffer.Length)), cancellationToken);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }

            buffer.Write(chunk, 0, read);
        }

        // At the cap: one more byte tells a body of exactly maxBytes from a longer one.
        var probe = await stream.ReadAsync(chunk.AsMemory(0, 1), cancellationToken);
        return (buffer.ToArray(), probe > 0);
    }

    private ResiliencePipeline<Attempt> PipelineFor(PolitenessOptions politeness)
    {
        if (Volatile.Read(ref _pipeline) is { } cached && ReferenceEquals(cached.Options, politeness))
        {
            return cached.Pipeline;
        }

        var builder = new ResiliencePipelineBuilder<Attempt> { TimeProvider = time };

        // MaxRetries 0 is valid configuration (no retries); Polly's retry strategy needs at least one.
        if (politeness.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = politeness.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = politeness.RetryBaseDelay,
                MaxDelay = politeness.MaxRetryDelay,
                ShouldHandle = new PredicateBuilder<Attempt>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<HttpRequestException>()
                    .HandleResult(a => a.Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)a.Status >= 500),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result?.RetryAfter, politeness.MaxRetryDelay)),
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Result is { } r ? $"HTTP {(int)r.Status}" : args.Outcome.Exception?.GetType().Name ?? "unknown");
                    return default;
                },
            });
        }

        var pipeline = builder
            .AddTimeout(politeness.RequestTimeout > TimeSpan.Zero ? politeness.RequestTimeout : TimeSpan.FromSeconds(20))
            .Build();
        Volatile.Write(ref _pipeline, new CachedPipeline(politeness, pipeline));
        return pipeline;
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeSpan cap)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
        if (wait is null)
        {
            return null; // Polly's exponential backoff with jitter.
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > cap ? cap : wait;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {Uri}: it redirects to {Target}, which robots.txt disallows")]
    private partial void LogRedirectDisallowed(Uri uri, Uri target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {Uri}: robots.txt disallows it")]
    private partial void LogDisallowed(Uri uri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Uri} is larger than {MaxBytes} bytes; parsed the first {MaxBytes} bytes only")]
    private partial void LogTruncated(Uri uri, int maxBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retry {Attempt} in {Delay} after {Reason}")]
    private partial void LogRetry(int attempt, TimeSpan delay, string reason);
}
