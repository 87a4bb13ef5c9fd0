using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing;

/// <summary>
/// Stats buckets in a zone with daylight saving (decision 259): days and weeks start at local midnight, hours at the
/// local hour, so a day can be 23 or 25 hours long. A fixed offset keys a mention by floor((ms + offset) / width); here
/// the offset is the zone's at that instant, read from periods of constant offset that are found once and kept sorted,
/// so counting a million mentions asks <see cref="TimeZoneInfo"/> a few hundred times, not a million.
/// </summary>
/// <remarks>
/// Day and week keys number local days on the local time line (one key per local day, whatever its length). Hour keys
/// number hours on the UTC line shifted by the part of the offset below an hour (30 minutes in Kolkata), so the hour a
/// fall-back repeats is two buckets, as Elasticsearch's date_histogram makes it, and a skipped hour is none.
/// </remarks>
public sealed class StatsZone
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;

    // Offsets are within ±14 h today and within ±16 h in any historical zone's local mean time.
    private const long MaxOffsetMs = 16 * HourMs;

    // A transition is looked for day by day (no zone changes twice within a day), at most a year and a day either way.
    private const long ScanStepMs = DayMs;
    private const int ScanSteps = 367;

    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds() + (2 * DayMs);
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() - (2 * DayMs);

    private readonly TimeZoneInfo zone;
    private readonly object discovering = new();
    private Period[] periods = [];

    public StatsZone(TimeZoneInfo zone, StatsInterval interval)
    {
        this.zone = zone;
        Interval = interval;
    }

    public StatsInterval Interval { get; }

    /// <summary>A stretch [From, To) of Unix milliseconds over which the zone's offset is OffsetMs.</summary>
    public readonly record struct Period(long From, long To, long OffsetMs)
    {
        public bool Contains(long ms) => ms >= From && ms < To;
    }

    /// <summary>The bucket key of an instant. <paramref name="hint"/> is the caller's last period: mentions come roughly in date order, so it usually holds the next one too.</summary>
    public long Key(long unixMs, ref Period hint)
    {
        if (!hint.Contains(unixMs))
        {
            hint = PeriodAt(unixMs);
        }

        return Interval == StatsInterval.Hour
            ? FloorDiv(unixMs + PositiveMod(hint.OffsetMs, HourMs), HourMs)
            : FloorDiv(unixMs + hint.OffsetMs + StatsBuckets.Shift(Interval, TimeSpan.Zero), StatsBuckets.Width(Interval));
    }

    public long Key(long unixMs)
    {
        var hint = default(Period);
        return Key(unixMs, ref hint);
    }

    /// <summary>
    /// The bucket's first instant, shown in the zone's offset at that instant. A local midnight the clocks skip (zones
    /// that spring forward at midnight) starts the day at the first instant that exists; one they repeat, at the first of the two.
    /// </summary>
    public DateTimeOffset Start(long key)
    {
        long start;
        if (Interval == StatsInterval.Hour)
        {
            // key * hour = start + the sub-hour part of the offset at start: guess the part from the line, then read it at the guess.
            var line = Clamp(key * HourMs);
            var guess = line - PositiveMod(PeriodAt(line).OffsetMs, HourMs);
            start = line - PositiveMod(PeriodAt(guess).OffsetMs, HourMs);
        }
        else
        {
            start = FirstInstantAtOrAfterLocal((key * StatsBuckets.Width(Interval)) - StatsBuckets.Shift(Interval, TimeSpan.Zero));
        }

        start = Clamp(start);
        return DateTimeOffset.FromUnixTimeMilliseconds(start).ToOffset(TimeSpan.FromMilliseconds(PeriodAt(start).OffsetMs));
    }

    /// <summary>The earliest instant whose local time is <paramref name="localMs"/>, or the first after it when the clocks skip it.</summary>
    private long FirstInstantAtOrAfterLocal(long localMs)
    {
        var period = PeriodAt(Clamp(localMs - MaxOffsetMs));
        while (true)
        {
            var candidate = localMs - period.OffsetMs;
            if (period.Contains(candidate))
            {
                return candidate;
            }

            if (candidate < period.From || period.To >= MaxUnixMs)
            {
                // The period's first local time is past the one sought, which no earlier period held: the clocks skipped it.
                return period.From;
            }

            period = PeriodAt(period.To);
        }
    }

    /// <summary>The period of constant offset holding the instant: from the ones found so far, or found now and kept.</summary>
    public Period PeriodAt(long unixMs)
    {
        unixMs = Clamp(unixMs);
        var known = Volatile.Read(ref periods);
        if (Find(known, unixMs) is { } period)
        {
            return period;
        }

        lock (discovering)
        {
            known = periods;
            if (Find(known, unixMs) is { } found)
            {
                return found;
            }

            var index = ~Array.BinarySearch(known, new Period(unixMs, unixMs, 0), FromComparer.Instance);
            var floor = index > 0 ? known[index - 1].To : MinUnixMs;
            var ceiling = index < known.Length ? known[index].From : MaxUnixMs + 1;
            var discovered = Discover(unixMs, floor, ceiling);
            Volatile.Write(ref periods, [.. known[..index], discovered, .. known[index..]]);
            return discovered;
        }
    }

    private static Period? Find(Period[] known, long unixMs)
    {
        int low = 0, high = known.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (unixMs < known[middle].From)
            {
                high = middle - 1;
            }
            else if (unixMs >= known[middle].To)
            {
                low = middle + 1;
            }
            else
            {
                return known[middle];
            }
        }

        return null;
    }

    /// <summary>Walks day by day from the instant to the offset's change either way (or to a known neighbour, or a year out), then narrows each change to the millisecond.</summary>
    private Period Discover(long unixMs, long floor, long ceiling)
    {
        var offset = OffsetAt(unixMs);

        var from = unixMs;
        for (var step = 0; step < ScanSteps && from > floor; step++)
        {
            var probe = Math.Max(floor, from - ScanStepMs);
            if (OffsetAt(probe) != offset)
            {
                from = Narrow(probe, from);
                break;
            }

            from = probe;
        }

        var to = unixMs + 1;
        for (var step = 0; step < ScanSteps && to < ceiling; step++)
        {
            var probe = Math.Min(ceiling, to + ScanStepMs);
            if (probe < ceiling && OffsetAt(probe) != offset)
            {
                to = Narrow(to - 1, probe);
                break;
            }

            to = probe;
        }

        return new Period(from, to, offset);
    }

    /// <summary>The instant of the one change of offset in (<paramref name="before"/>, <paramref name="after"/>]: the first with <paramref name="after"/>'s offset.</summary>
    private long Narrow(long before, long after)
    {
        var afterSide = OffsetAt(after);
        while (after - before > 1)
        {
            var middle = before + ((after - before) / 2);
            if (OffsetAt(middle) == afterSide)
            {
                after = middle;
            }
            else
            {
                before = middle;
            }
        }

        return after;
    }

    private long OffsetAt(long unixMs) =>
        (long)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(Clamp(unixMs))).TotalMilliseconds;

    private static long Clamp(long unixMs) => Math.Clamp(unixMs, MinUnixMs, MaxUnixMs);

    private static long FloorDiv(long value, long divisor) =>
        Math.DivRem(value, divisor) is var (quotient, remainder) && remainder < 0 ? quotient - 1 : quotient;

    private static long PositiveMod(long value, long divisor) => ((value % divisor) + divisor) % divisor;

    private sealed class FromComparer : IComparer<Period>
    {
        public static readonly FromComparer Instance = new();

        public int Compare(Period x, Period y) => x.From.CompareTo(y.From);
    }
}
