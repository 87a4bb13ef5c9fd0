using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Crawling.State;

namespace SentimentWatch.Crawling;

/// <summary>
/// One scheduled run of one source: load its cursor, crawl, hand new mentions to the pipeline,
/// and only then commit the cursor, so a crash between the two re-offers (never loses) items
/// and the intake's idempotency absorbs the repeat. Records health either way; a failing
/// source is logged with its reason and never throws into the scheduler.
/// </summary>
public sealed partial class CrawlRunner(
    SourceCrawler crawler,
    CrawlStateStore state,
    IMentionIntake intake,
    Sources.SourceCatalog catalog,
    Revisits.HotPostRevisits revisits,
    TimeProvider time,
    ILogger<CrawlRunner> logger)
{
    private const int IntakeBatchSize = 500;

    public async Task<CrawlReport?> RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        // Read at every run: a definition changed over the API or in configuration applies from the next run,
        // and a pause holds even where another worker's scheduler has not caught up yet.
        var cataloged = await catalog.FindAsync(sourceId, cancellationToken);
        if (cataloged is null || !cataloged.Definition.Enabled || cataloged.Paused)
        {
            LogSkipped(sourceId);
            return null;
        }

        var source = cataloged.Definition;

        var stopwatch = Stopwatch.StartNew();
        CrawlReport report;
        try
        {
            var cursor = await state.LoadCursorAsync(source.Id, cancellationToken);
            var (mentions, crawled) = await crawler.CrawlAsync(source, cursor, progress: null, cancellationToken);
            report = crawled;
            foreach (var batch in mentions.Chunk(IntakeBatchSize))
            {
                await intake.AcceptAsync(batch, cancellationToken);
            }

            await state.CommitCursorAsync(source.Id, cursor, cancellationToken);

            // After the intake: a post must be in the pipeline before its counts can be updated.
            await FollowHotPostsAsync(source, report, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            report = new CrawlReport { SourceId = source.Id, StartedAt = time.GetUtcNow(), FinishedAt = time.GetUtcNow() };
            report.AddError("internal", ex.Message);
            report.FatalError = $"source '{source.Id}': {ex.GetType().Name}: {ex.Message}";
            LogRunFailed(ex, source.Id);
        }

        await state.RecordRunAsync(source.Id, report, CancellationToken.None);
        if (report.Succeeded)
        {
            LogRun(source.Id, report.NewItems, report.PagesFetched, report.NotModified, report.Errors.Count, stopwatch.ElapsedMilliseconds);
        }
        else
        {
            LogRunUnsuccessful(source.Id, report.FatalError, stopwatch.ElapsedMilliseconds);
        }

        return report;
    }

    /// <summary>Following engagement is a bonus on top of the run: its failure is logged and counted, never the run's.</summary>
    private async Task FollowHotPostsAsync(Sources.CrawlSource source, CrawlReport report, CancellationToken cancellationToken)
    {
        try
        {
            await revisits.FollowAsync(source, report, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            report.AddError("revisit", $"source '{source.Id}': following hot posts failed: {ex.GetType().Name}: {ex.Message}");
            LogRevisitFailed(ex, source.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the hot posts of {SourceId} failed; the run's mentions were accepted")]
    private partial void LogRevisitFailed(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawled {SourceId}: {NewItems} new mentions from {Pages} pages ({NotModified} not modified, {Errors} problems) in {ElapsedMs} ms")]
    private partial void LogRun(string sourceId, int newItems, int pages, int notModified, int errors, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crawl of {SourceId} failed: {Reason} ({ElapsedMs} ms)")]
    private partial void LogRunUnsuccessful(string sourceId, string? reason, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Crawl of {SourceId} failed unexpectedly")]
    private partial void LogRunFailed(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} is unknown, disabled or paused; run skipped")]
    private partial void LogSkipped(string sourceId);
}
