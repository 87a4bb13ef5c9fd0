using Microsoft.Extensions.Options;

namespace SentimentWatch.Pipeline;

public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Mentions scored and indexed together; larger batches index faster, smaller ones alert sooner.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Capacity of each bounded channel between stages (back-pressure beyond it).</summary>
    public int ChannelCapacity { get; set; } = 1024;

    /// <summary>How often the ledger is polled when no arrival was signalled (another process may write).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How far back a repost is looked for.</summary>
    public TimeSpan NearDuplicateWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Attempts to index a batch before it is split to find the mention that fails.</summary>
    public int MaxIndexAttempts { get; set; } = 5;

    public TimeSpan IndexRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
