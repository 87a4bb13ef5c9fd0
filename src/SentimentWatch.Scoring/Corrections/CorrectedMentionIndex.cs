using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Corrections;

/// <summary>
/// The mention index with analysts' corrections laid over every write, so a mention the pipeline re-processes or
/// a new model re-scores keeps its corrected labels (the ledger those writes come from does not know them).
/// Reads pass straight through: the index already holds the corrections.
/// </summary>
public sealed class CorrectedMentionIndex(IMentionIndex inner, LabelCorrections corrections) : IWrappingMentionIndex
{
    public IMentionIndex Inner => inner;

    /// <summary>The DI key of the index this one wraps.</summary>
    public const string InnerKey = "uncorrected";

    public async Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) =>
        await inner.UpsertAsync(await OverlayAsync(mentions, cancellationToken), cancellationToken);

    public async Task IndexAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) =>
        await inner.IndexAsync(await OverlayAsync(mentions, cancellationToken), cancellationToken);

    public Task RefreshAsync(CancellationToken cancellationToken) => inner.RefreshAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

    public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken) => inner.SearchAsync(search, cancellationToken);

    public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken) => inner.StatsAsync(request, cancellationToken);

    public IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, CancellationToken cancellationToken) => inner.ScanAsync(filter, cancellationToken);

    public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.DeleteOlderThanAsync(cutoff, cancellationToken);

    public Task<IndexHealth> HealthAsync(CancellationToken cancellationToken) => inner.HealthAsync(cancellationToken);

    private async ValueTask<IReadOnlyList<Mention>> OverlayAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        var current = await corrections.CurrentAsync(cancellationToken);
        if (current.IsEmpty)
        {
            return mentions;
        }

        Mention[]? overlaid = null;
        for (var i = 0; i < mentions.Count; i++)
        {
            if (current.TryGetValue(mentions[i].Id, out var correction) && mentions[i].Correction != correction)
            {
                overlaid ??= [.. mentions];
                overlaid[i] = mentions[i] with { Correction = correction };
            }
        }

        return overlaid ?? mentions;
    }
}
