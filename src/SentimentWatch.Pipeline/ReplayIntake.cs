using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;

namespace SentimentWatch.Pipeline;

/// <summary>
/// Feeds a JSON-lines file of mentions (the <see cref="IncomingMention"/> shape) through the
/// pipeline a batch at a time: the bundled demo, or a dump exported from another system.
/// Timestamps can be shifted so the newest line lands at "now", which keeps the demo's
/// charts current. Replaying again is harmless: ids are stable, the ledger keeps one copy.
/// </summary>
public sealed class ReplayOptions
{
    public const string SectionName = "Replay";

    public bool Enabled { get; set; }

    /// <summary>JSON-lines file; relative paths are from the application's folder.</summary>
    public string File { get; set; } = "samples/demo-mentions.jsonl";

    public int BatchSize { get; set; } = 40;

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Move every timestamp so the newest one is the time of the replay.</summary>
    public bool ShiftToNow { get; set; } = true;

    public string ResolveFile() => Path.IsPathRooted(File) ? File : Path.Combine(AppContext.BaseDirectory, File);
}

public sealed class ReplayOptionsValidator : IValidateOptions<ReplayOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplayOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!System.IO.File.Exists(o.ResolveFile()))
        {
            failures.Add($"{ReplayOptions.SectionName}:File '{o.ResolveFile()}' does not exist");
        }

        if (o.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{ReplayOptions.SectionName}:BatchSize must be between 1 and 10000 (was {o.BatchSize})");
        }

        if (o.Interval < TimeSpan.Zero)
        {
            failures.Add($"{ReplayOptions.SectionName}:Interval must not be negative (was {o.Interval})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class ReplayIntake(
    IMentionIntake intake,
    IOptions<ReplayOptions> options,
    TimeProvider clock,
    ILogger<ReplayIntake> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        try
        {
            var mentions = await ReadAsync(o.ResolveFile(), o.ShiftToNow, clock.GetUtcNow(), logger, stoppingToken);
            int accepted = 0, known = 0;
            foreach (var batch in mentions.Chunk(o.BatchSize))
            {
                var receipt = await intake.AcceptAsync(batch, stoppingToken);
                accepted += receipt.Accepted;
                known += receipt.AlreadyKnown;
                await Task.Delay(o.Interval, clock, stoppingToken);
            }

            logger.LogInformation("Replayed {File}: {Accepted} new mentions, {Known} already known", o.File, accepted, known);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What was accepted stays accepted; the rest are accepted at the next start.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Replaying {File} failed", o.File);
        }
    }

    /// <summary>Reads a JSON-lines file, skipping (and logging, with line numbers) lines that are not valid mentions.</summary>
    public static async Task<IReadOnlyList<Mention>> ReadAsync(string path, bool shiftToNow, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        var incoming = new List<IncomingMention>();
        var lineNumber = 0;
        await foreach (var line in System.IO.File.ReadLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            IncomingMention? mention;
            try
            {
                mention = JsonSerializer.Deserialize<IncomingMention>(line);
            }
            catch (JsonException ex)
            {
                logger.LogWarning("Skipping line {Line} of {File}: not valid JSON ({Error})", lineNumber, path, ex.Message);
                continue;
            }

            // Shifted replays are re-dated after reading, so only their earliest bound applies now.
            var errors = mention?.Validate(shiftToNow ? DateTimeOffset.MaxValue : now, MentionDateOptions.Default) ?? new() { ["line"] = ["empty"] };
            if (errors.Count > 0)
            {
                logger.LogWarning("Skipping line {Line} of {File}: {Errors}", lineNumber, path, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
                continue;
            }

            incoming.Add(mention!);
        }

        var shift = TimeSpan.Zero;
        if (shiftToNow && incoming.Count > 0)
        {
            var newest = incoming.Max(m => m.PublishedAt!.Value);
            shift = now - newest;
        }

        return incoming
            .Select(m => (m with { PublishedAt = m.PublishedAt!.Value + shift }).ToMention(now))
            .ToList();
    }
}
