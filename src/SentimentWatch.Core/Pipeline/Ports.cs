using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Pipeline;

/// <summary>
/// The door into the pipeline for every channel — crawlers, the intake API, the demo replay.
/// Accepting is durable: once the task completes, the mentions survive a crash and will be
/// processed. Accepting the same mention (same id) again is a no-op.
/// </summary>
public interface IMentionIntake
{
    Task<IntakeReceipt> AcceptAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken);
}

/// <summary>Ids taken in and how many of them were new.</summary>
public sealed record IntakeReceipt(IReadOnlyList<string> Ids, int Accepted, int AlreadyKnown);

/// <summary>
/// Told about each batch once it is scored and indexed: alert rules for single mentions and
/// complaint-case intake hang here. Must be idempotent: after a crash a batch may be seen again.
/// </summary>
public interface IMentionObserver
{
    ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken);
}

/// <summary>The source of watches: configuration now, the state store later.</summary>
public interface IWatchCatalog
{
    IReadOnlyList<Watches.Watch> Watches { get; }
}
