using Microsoft.Extensions.Options;
using SentimentWatch.Pipeline;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Api;

/// <summary>
/// Back-pressure that tells the client: when more mentions are pending than
/// <c>Pipeline:MaxBacklog</c>, the intake answers 429 with <c>Retry-After</c> (the time the
/// pipeline needs, at its recent rate, to work the backlog back under the limit) instead of
/// accepting work it cannot do in time. Checked before the body is read, against the ledger's
/// in-memory pending count, so a refusal costs next to nothing.
/// </summary>
public sealed class IntakeBackPressure(MentionLedger ledger, PipelineStatus status, IOptions<PipelineOptions> options, ILogger<IntakeBackPressure> logger) : IEndpointFilter
{
    public const int MaxRetryAfterSeconds = 60;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limit = options.Value.MaxBacklog;
        var backlog = await ledger.CountPendingAsync(context.HttpContext.RequestAborted);
        if (backlog <= limit)
        {
            return await next(context);
        }

        var seconds = RetryAfterSeconds(backlog, limit, status.ProcessedPerSecond);
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        logger.LogDebug("Intake pushed back: {Backlog} pending over the limit of {MaxBacklog}; retry after {RetryAfter} s", backlog, limit, seconds);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "The pipeline is behind; try again later",
            detail: $"{backlog:N0} mentions are waiting to be processed (limit {limit:N0}). Send this batch again after {seconds} s (Retry-After).");
    }

    /// <summary>Time to work the backlog down to 90 % of the limit at <paramref name="rate"/> mentions/s; 1–60 s.</summary>
    public static int RetryAfterSeconds(long backlog, long limit, double rate)
    {
        var excess = backlog - (limit * 0.9);
        var seconds = rate > 0 ? Math.Ceiling(excess / rate) : MaxRetryAfterSeconds;
        return (int)Math.Clamp(seconds, 1, MaxRetryAfterSeconds);
    }
}
