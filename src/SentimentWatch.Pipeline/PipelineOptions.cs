using Microsoft.Extensions.Options;

namespace SentimentWatch.Pipeline;

public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>
    /// Most mentions read, scored and indexed together. Batches form from what is waiting, so at
    /// low volume they are small (low latency); large ones let scoring and indexing use every core.
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Capacity of each bounded channel between stages (back-pressure beyond it).</summary>
    public int ChannelCapacity { get; set; } = 4000;

    /// <summary>How often the ledger is polled when no arrival was signalled (another process may write).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How far back a repost is looked for.</summary>
    public TimeSpan NearDuplicateWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Attempts for a mention that fails to index, or that an observer fails on, on its own (a failing
    /// batch is first split to find it) before it is parked; the rest of its batch goes on meanwhile.
    /// </summary>
    public int MaxIndexAttempts { get; set; } = 3;

    /// <summary>Wait between attempts for a failing mention; an unwell index or state store is waited on ten times this, doubling up to eighty (decision 249).</summary>
    public TimeSpan IndexRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait before indexed mentions become searchable while batches keep coming (when the
    /// pipeline runs idle they become searchable at once). Each refresh writes a small segment:
    /// at a million mentions the refreshes were a third of the indexing stage, the pipeline's slowest,
    /// and 1 s in place of 500 ms measured fewer merges and a lower peak RSS with the same searchable
    /// latency at 1,000 mentions/s, where the pipeline idles between batches (decision 200).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Shortest time between two refreshes even when the pipeline runs idle. A refresh (and the
    /// observers that follow it: alerting, cases) costs about the same for ten mentions as for a
    /// thousand, so refreshing after every small batch made a pipeline that kept up spend more per
    /// mention than one that lagged (decision 180). Zero refreshes as soon as the input is idle;
    /// a <see cref="RefreshInterval"/> below this one wins.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The refresh interval while the pipeline is behind (its last ledger read was a full batch): a mention then waits for the
    /// backlog in front of it, so refreshing more often buys no searchable latency and costs a segment and an observer pass
    /// each time (decision 219: 2 s measured the same CPU per mention as 3 s with a lower peak RSS). Below
    /// <see cref="RefreshInterval"/> means RefreshInterval.
    /// </summary>
    public TimeSpan BacklogRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the index is committed (fsync); mentions are marked processed in the ledger only
    /// after the commit that made them durable, so this is also how much work a crash replays.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Commit early once this many mentions are indexed but not committed.</summary>
    public int MaxUncommitted { get; set; } = 50_000;

    /// <summary>
    /// Pending mentions (accepted, not yet processed) beyond which the intake API answers 429 with
    /// Retry-After instead of accepting work the pipeline cannot do in time.
    /// </summary>
    public long MaxBacklog { get; set; } = 200_000;

    /// <summary>The oldest pending mention older than this is logged as pipeline lag.</summary>
    public TimeSpan LagWarning { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the pipeline checks its lag for the log.</summary>
    public TimeSpan LagReportInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// PostgreSQL state store (several workers): how long the mentions a worker reads stay its own
    /// before another worker may take them over (a worker that died holds them this long).
    /// Must outlast reading, scoring, indexing and the index commit of a batch. Unused on SQLite.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions o)
    {
        var failures = new List<string>();
        const string s = PipelineOptions.SectionName;
        if (o.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{s}:BatchSize must be between 1 and 10000 (was {o.BatchSize})");
        }

        if (o.ChannelCapacity < o.BatchSize)
        {
            failures.Add($"{s}:ChannelCapacity must be at least {s}:BatchSize (was {o.ChannelCapacity} < {o.BatchSize})");
        }

        if (o.LeaseDuration < TimeSpan.FromSeconds(10) || o.LeaseDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"{s}:LeaseDuration must be between 00:00:10 and 01:00:00 (was {o.LeaseDuration})");
        }

        if (o.PollInterval < TimeSpan.FromMilliseconds(50) || o.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{s}:PollInterval must be between 00:00:00.05 and 00:05:00 (was {o.PollInterval})");
        }

        if (o.NearDuplicateWindow < TimeSpan.Zero)
        {
            failures.Add($"{s}:NearDuplicateWindow must not be negative (was {o.NearDuplicateWindow})");
        }

        if (o.MaxIndexAttempts is < 1 or > 100)
        {
            failures.Add($"{s}:MaxIndexAttempts must be between 1 and 100 (was {o.MaxIndexAttempts})");
        }

        if (o.IndexRetryDelay < TimeSpan.Zero || o.IndexRetryDelay > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{s}:IndexRetryDelay must be between 00:00:00 and 00:10:00 (was {o.IndexRetryDelay})");
        }

        if (o.MinRefreshInterval < TimeSpan.Zero || o.MinRefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:MinRefreshInterval must be between 00:00:00 and 00:01:00 (was {o.MinRefreshInterval})");
        }

        if (o.BacklogRefreshInterval < TimeSpan.Zero || o.BacklogRefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:BacklogRefreshInterval must be between 00:00:00 and 00:01:00 (was {o.BacklogRefreshInterval})");
        }

        if (o.RefreshInterval < TimeSpan.Zero || o.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:RefreshInterval must be between 00:00:00 and 00:01:00 (was {o.RefreshInterval})");
        }

        if (o.CommitInterval < TimeSpan.Zero || o.CommitInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{s}:CommitInterval must be between 00:00:00 and 00:10:00 (was {o.CommitInterval})");
        }

        if (o.MaxUncommitted < 1)
        {
            failures.Add($"{s}:MaxUncommitted must be at least 1 (was {o.MaxUncommitted})");
        }

        if (o.MaxBacklog < o.BatchSize)
        {
            failures.Add($"{s}:MaxBacklog must be at least {s}:BatchSize (was {o.MaxBacklog} < {o.BatchSize})");
        }

        if (o.LagWarning <= TimeSpan.Zero)
        {
            failures.Add($"{s}:LagWarning must be positive (was {o.LagWarning})");
        }

        if (o.LagReportInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{s}:LagReportInterval must be at least 00:00:01 (was {o.LagReportInterval})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
