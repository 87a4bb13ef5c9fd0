using System.Collections.Concurrent;
using System.Diagnostics;

namespace SentimentWatch.Core.Pipeline;

/// <summary>
/// The pipeline's own stopwatch: busy time and items per stage (intake, ledger, dedupe, watches,
/// score, index, commit, observers) and the accepted → searchable latency. Cheap enough to be
/// always on (two timestamp reads and three interlocked adds per stage call), so an operator
/// can see in production where the time goes, and <c>bench pipeline</c> reads the same numbers.
/// Stage busy times overlap when stages run side by side; their proportions, not their sum,
/// say which stage holds the others back.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly ConcurrentDictionary<string, StageCounter> _byName = new(StringComparer.Ordinal);
    private readonly List<StageCounter> _ordered = [];
    private readonly Lock _orderLock = new();
    private long _accepted;

    public PipelineMetrics()
    {
        // The known stages first, in the order a mention meets them, whoever asks for them first.
        foreach (var stage in PipelineStages.All)
        {
            Stage(stage);
        }
    }

    /// <summary>Accepted → searchable: from the intake's durable write to the index refresh that shows the mention.</summary>
    public LatencyHistogram Searchable { get; } = new();

    /// <summary>Mentions newly taken into the ledger since start-up.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public void RecordAccepted(int count) => Interlocked.Add(ref _accepted, count);

    /// <summary>The counter for <paramref name="name"/>; callers keep it, so the lookup happens once.</summary>
    public StageCounter Stage(string name)
    {
        if (_byName.TryGetValue(name, out var existing))
        {
            return existing;
        }

        lock (_orderLock)
        {
            if (_byName.TryGetValue(name, out existing))
            {
                return existing;
            }

            var counter = new StageCounter(name);
            _ordered.Add(counter);
            _byName[name] = counter;
            return counter;
        }
    }

    /// <summary>Every stage in the order it was first used (roughly the order a mention passes them).</summary>
    public IReadOnlyList<StageTiming> Snapshot()
    {
        lock (_orderLock)
        {
            return _ordered.Select(s => s.Read()).ToList();
        }
    }
}

/// <summary>Calls, items and busy time of one stage.</summary>
public sealed class StageCounter(string name)
{
    private long _calls;
    private long _items;
    private long _ticks;

    public string Name { get; } = name;

    /// <summary>Records a call that started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) and handled <paramref name="items"/> mentions.</summary>
    public void Add(long startTimestamp, int items) => AddElapsed(Stopwatch.GetTimestamp() - startTimestamp, items);

    /// <summary>Records a call that took <paramref name="elapsed"/> <see cref="Stopwatch"/> ticks.</summary>
    public void AddElapsed(long elapsed, int items)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _items, items);
        Interlocked.Add(ref _ticks, elapsed);
    }

    public StageTiming Read() => new(
        Name,
        Interlocked.Read(ref _calls),
        Interlocked.Read(ref _items),
        TimeSpan.FromSeconds(Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency));
}

/// <summary>The stage names the pipeline reports, in the order a mention meets them.</summary>
public static class PipelineStages
{
    public const string Redact = "redact";
    public const string LedgerAppendWait = "ledger append: wait for the writer";
    public const string LedgerAppend = "ledger append";
    public const string LedgerRead = "ledger read";
    public const string Dedupe = "dedupe";
    public const string Watches = "watches";
    public const string Score = "score";
    public const string Index = "index";
    public const string IndexRefresh = "index refresh";
    public const string IndexCommit = "index commit";
    public const string LedgerComplete = "ledger complete";

    public static readonly IReadOnlyList<string> All = [Redact, LedgerAppendWait, LedgerAppend, LedgerRead, Dedupe, Watches, Score, Index, IndexRefresh, IndexCommit, LedgerComplete];

    /// <summary>One stage per observer type, e.g. <c>observer IncidentDesk</c>.</summary>
    public static string Observer(string name) => "observer " + name;
}

public sealed record StageTiming(string Stage, long Calls, long Items, TimeSpan Busy);

/// <summary>
/// Latencies in buckets 5 % apart (1 ms to hours), so percentiles are read without keeping
/// samples; a reader subtracts two snapshots to get the percentiles of an interval.
/// </summary>
public sealed class LatencyHistogram
{
    private const double Growth = 1.05;
    public const int Buckets = 400;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[Buckets];

    public void Record(TimeSpan latency, int count = 1)
    {
        var ms = Math.Max(0, latency.TotalMilliseconds);
        var bucket = (int)Math.Min(Buckets - 1, Math.Ceiling(Math.Log(ms + 1) / LogGrowth));
        Interlocked.Add(ref _counts[bucket], count);
    }

    /// <summary>The bucket counts; bucket i holds latencies up to <see cref="UpperBoundMs"/>(i).</summary>
    public long[] Read()
    {
        var copy = new long[Buckets];
        for (var i = 0; i < Buckets; i++)
        {
            copy[i] = Interlocked.Read(ref _counts[i]);
        }

        return copy;
    }

    public static double UpperBoundMs(int bucket) => Math.Pow(Growth, bucket) - 1;

    /// <summary>The latency below which <paramref name="quantile"/> of the counted ones fall (bucket upper bound), or null when empty.</summary>
    public static double? Percentile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBoundMs(i);
            }
        }

        return UpperBoundMs(counts.Count - 1);
    }
}
