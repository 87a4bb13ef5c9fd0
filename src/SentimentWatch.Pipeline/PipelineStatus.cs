namespace SentimentWatch.Pipeline;

/// <summary>Counters since start-up, for /health and the logs.</summary>
public sealed class PipelineStatus(TimeProvider clock)
{
    private long _processed;
    private long _scored;
    private long _parked;
    private long _lastProcessedTicks;

    public long Processed => Interlocked.Read(ref _processed);
    public long Scored => Interlocked.Read(ref _scored);
    public long Parked => Interlocked.Read(ref _parked);

    public DateTimeOffset? LastProcessedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastProcessedTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void RecordProcessed(int count, int scored)
    {
        Interlocked.Add(ref _processed, count);
        Interlocked.Add(ref _scored, scored);
        Interlocked.Exchange(ref _lastProcessedTicks, clock.GetUtcNow().UtcTicks);
    }

    public void RecordParked() => Interlocked.Increment(ref _parked);

    private readonly Lock _rateLock = new();
    private (DateTimeOffset At, long Processed) _rateFrom;
    private double _rate;

    /// <summary>
    /// Mentions processed per second lately (over the last few seconds the pipeline worked), for
    /// telling a pushed-back client when to come back; 0 until measured.
    /// </summary>
    public double ProcessedPerSecond
    {
        get
        {
            lock (_rateLock)
            {
                var now = clock.GetUtcNow();
                var processed = Processed;
                var elapsed = (now - _rateFrom.At).TotalSeconds;
                if (_rateFrom.At == default)
                {
                    _rateFrom = (now, processed);
                }
                else if (elapsed >= 5)
                {
                    _rate = (processed - _rateFrom.Processed) / elapsed;
                    _rateFrom = (now, processed);
                }

                return _rate;
            }
        }
    }
}
