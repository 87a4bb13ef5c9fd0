using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Security;
using SentimentWatch.Indexing.Api;

namespace SentimentWatch.Indexing;

/// <summary>The mention history API: search, one mention, stats and CSV export. Analysts and admins only.</summary>
public static class IndexingApi
{
    public const int MaxTopN = 100;

    public static IEndpointRouteBuilder MapIndexingApi(this IEndpointRouteBuilder app)
    {
        var mentions = app.MapGroup("/api/mentions")
            .RequireAuthorization(ApiPolicies.Analyst)
            .WithTags("Mentions");

        mentions.MapGet("/", SearchAsync).WithName("SearchMentions");
        mentions.MapGet("/stats", StatsAsync).WithName("MentionStats");
        mentions.MapGet("/export", Export).WithName("ExportMentions");
        mentions.MapGet("/to-label", ToLabelAsync).WithName("MentionsToLabel");
        mentions.MapGet("/{id}", GetAsync).WithName("GetMention");
        return app;
    }

    public static async Task<Results<Ok<MentionPage>, ValidationProblem>> SearchAsync(
        HttpRequest request, IMentionIndex index, CancellationToken cancellationToken)
    {
        var parameters = Parameters(request);
        var filter = parameters.Filter();
        var sort = parameters.Sort();
        var pageSize = parameters.Integer("pageSize", MentionQueryParameters.DefaultPageSize, 1, MentionQueryParameters.MaxPageSize);
        var cursor = parameters.Text("cursor");
        parameters.RefuseUnread();
        if (parameters.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some search parameters are not valid.");
        }

        try
        {
            var result = await index.SearchAsync(new MentionSearch { Filter = filter, Sort = sort, Size = pageSize, After = cursor }, cancellationToken);
            return TypedResults.Ok(new MentionPage(
                result.Total,
                [.. result.Hits.Select(hit => new MentionHitView(MentionView.From(hit.Mention), hit.Score, hit.Snippet))],
                result.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            parameters.Fail(ex);
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some search parameters are not valid.");
        }
        catch (InvalidSearchQueryException ex)
        {
            parameters.Fail(ex);
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some search parameters are not valid.");
        }
    }

    private static MentionQueryParameters Parameters(HttpRequest request)
    {
        var services = request.HttpContext.RequestServices;
        var now = (services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        var dates = (services.GetService(typeof(IOptions<MentionDateOptions>)) as IOptions<MentionDateOptions>)?.Value;
        return new MentionQueryParameters(request.Query, now, dates);
    }

    /// <summary>
    /// The labelling queue (decision 212): of the newest <c>window</c> mentions matching the filters (default: the last 7 days), the
    /// <c>size</c> whose label the model was least sure of and nobody has corrected; <c>kind=topic</c> ranks complaints by topic.
    /// </summary>
    public static async Task<Results<Ok<LabellingQueueView>, ValidationProblem>> ToLabelAsync(
        HttpRequest request, IMentionIndex index, TimeProvider clock, CancellationToken cancellationToken)
    {
        var parameters = Parameters(request);
        var filter = parameters.Filter();
        var kind = parameters.QueueKind();
        var size = parameters.Integer("size", MentionQueryParameters.DefaultPageSize, 1, MentionQueryParameters.MaxPageSize);
        var window = parameters.Integer("window", Core.Scoring.LabellingQueue.DefaultWindow, 1, Core.Scoring.LabellingQueue.MaxWindow);
        parameters.RefuseUnread();
        if (parameters.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some labelling queue parameters are not valid.");
        }

        try
        {
            var result = await Core.Scoring.LabellingQueue.ReadAsync(index, ToLabelFilter(filter, clock), kind, size, window, cancellationToken);
            return TypedResults.Ok(new LabellingQueueView(
                kind == Core.Scoring.LabellingQueueKind.Topic ? "topic" : "sentiment",
                result.Read,
                result.Candidates,
                result.WindowFull,
                [.. result.Items.Select(i => new QueuedMentionView(MentionView.From(i.Mention), Math.Round(i.Certainty, 4)))]));
        }
        catch (InvalidSearchQueryException ex)
        {
            parameters.Fail(ex);
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some labelling queue parameters are not valid.");
        }
    }

    /// <summary>The queue's filter: the last 7 days unless a range is given.</summary>
    public static MentionFilter ToLabelFilter(MentionFilter filter, TimeProvider clock) =>
        filter.From is null && filter.To is null ? filter with { From = clock.GetUtcNow().AddDays(-7) } : filter;

    public static async Task<Results<Ok<MentionView>, NotFound>> GetAsync(string id, IMentionIndex index, CancellationToken cancellationToken) =>
        await index.GetAsync(id, cancellationToken) is { } mention
            ? TypedResults.Ok(MentionView.From(mention))
            : TypedResults.NotFound();

    public static async Task<Results<Ok<MentionStatsView>, ValidationProblem>> StatsAsync(
        HttpRequest request, IMentionIndex index, CancellationToken cancellationToken)
    {
        var parameters = Parameters(request);
        var stats = new MentionStatsRequest
        {
            Filter = parameters.Filter(),
            Interval = parameters.Interval(),
            GroupBy = parameters.GroupBy(),
            TopN = parameters.Integer("top", 10, 1, MaxTopN),
            UtcOffset = parameters.UtcOffset(),
            TimeZone = parameters.TimeZone(),
        };
        if (stats.Filter.From is { } from && stats.Filter.To is { } to
            && (to - from).Ticks / StatsBuckets.Width(stats.Interval) / TimeSpan.TicksPerMillisecond > StatsBuckets.MaxFilledBuckets)
        {
            parameters.Fail("interval", ParameterCodes.TooManyBuckets, $"'{stats.Interval}' buckets over {parameters.Text("from") ?? from.ToString("O")}..{parameters.Text("to") ?? to.ToString("O")} would be more than {StatsBuckets.MaxFilledBuckets}; use a wider interval or a shorter range.", stats.Interval.ToString().ToLowerInvariant(), StatsBuckets.MaxFilledBuckets.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        parameters.RefuseUnread();
        if (parameters.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some stats parameters are not valid.");
        }

        MentionStats result;
        try
        {
            result = await index.StatsAsync(stats, cancellationToken);
        }
        catch (InvalidSearchQueryException ex)
        {
            parameters.Fail(ex);
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some stats parameters are not valid.");
        }
        catch (TooManyStatsBucketsException ex)
        {
            parameters.Fail("interval", ParameterCodes.TooManyBuckets, ex.Message, ex.Interval.ToString().ToLowerInvariant(), "search.max_buckets");
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some stats parameters are not valid.");
        }

        return TypedResults.Ok(new MentionStatsView(
            result.Total,
            stats.Interval.ToString().ToLowerInvariant(),
            stats.GroupBy?.ToString().ToLowerInvariant(),
            result.Histogram,
            result.TopTopics,
            result.TopSources,
            result.TopAuthors));
    }

    public static Results<PushStreamHttpResult, ValidationProblem> Export(HttpRequest request, IMentionIndex index, TimeProvider time)
    {
        // Everything is checked before the first byte: once the CSV header is sent, a failure
        // can only abort the download, never answer 400.
        var parameters = Parameters(request);
        var filter = parameters.Filter();
        parameters.RefuseUnread("sort", "pageSize", "cursor");
        if (parameters.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(parameters.Errors, title: "Some export parameters are not valid.");
        }

        var name = $"mentions-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        var aborted = request.HttpContext.RequestAborted;
        return TypedResults.Stream(
            stream => MentionCsv.WriteAsync(stream, index.ScanAsync(filter, aborted), aborted),
            "text/csv; charset=utf-8",
            name);
    }
}
