using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// How a query's period ends are read (decision 260), by mention searches, stats, exports and case metrics alike.
/// A time with an offset or <c>Z</c> is that instant. A time without one is the reader's wall clock in the query's zone
/// (UTC when none is given). A bare date is that day in the zone: as the start of a period its local midnight, as the
/// end of one (<c>to</c>) the next local midnight, so <c>from=2026-11-05&amp;to=2026-11-05</c> is the whole of the 5th,
/// as an analyst who types one day in both boxes means. Before, both were UTC and a bare <c>to</c> excluded its day: a
/// reader in Beijing who asked for the 5th got 08:00 on the 5th to 08:00 on the 6th, or a refusal.
/// </summary>
public static class QueryTime
{
    /// <summary>
    /// What a query's date or time was read as: the instant; for a text without an offset, the day the reader typed (the
    /// last day it covers when it ends a period), which the query window is checked against (<see
    /// cref="MentionDateOptions.TryBound"/>); and whether it was a date without a time (a day, or a month as <c>2026-11</c>).
    /// </summary>
    public readonly record struct Reading(DateTimeOffset Instant, DateOnly? TypedDay, bool IsDate);

    /// <summary>The ways a month alone is written that the parser takes: 2026-11, 2026/11, 11/2026, Nov 2026, November 2026.</summary>
    private static readonly string[] MonthFormats = ["yyyy-M", "yyyy/M", "M/yyyy", "MMM yyyy", "MMMM yyyy", "MMM, yyyy", "MMMM, yyyy"];

    /// <summary>
    /// Reads <paramref name="text"/> in <paramref name="zone"/>: false when it is no date or time. A time without a date
    /// (<c>08:00</c>) is none, and neither is a date without a four-digit year (<c>Nov 5</c>, <c>5 Nov</c>, <c>11/05/26</c>):
    /// whose today or which year it meant is a guess (the parser would take this year, or read <c>5 Nov</c> as 2005). A
    /// month (<c>2026-11</c>) is its first day, and as the end of a period the first day of the next. A date or time
    /// outside what <see cref="DateTimeOffset"/> holds once placed in the zone comes back as its minimum or maximum, which
    /// the query window then refuses by name.
    /// </summary>
    public static bool TryRead(string text, TimeZoneInfo zone, bool periodEnd, out Reading reading)
    {
        reading = default;
        var s = text.Trim();
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)
            || !s.Contains(exact.Year.ToString("D4", CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            // The year the parser settled on is not written out: it guessed this year (Nov 5) or read a day as one (5 Nov as 2005).
            return false;
        }

        // Parsed without today's date as the default, a text that names no date comes out in year 1.
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.RoundtripKind, out var undated)
            && undated.Year == 1 && exact.Year != 1)
        {
            return false;
        }

        // RoundtripKind says whether the text named a zone: Unspecified means it did not.
        if (!DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var wall)
            || wall.Kind != DateTimeKind.Unspecified)
        {
            reading = new Reading(exact, null, false);
            return true;
        }

        // A date without a time: DateOnly takes "2026-11-05T00:00" too, so a colon (a time written out) rules it out.
        var isMonth = DateOnly.TryParseExact(s, MonthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        var isDate = isMonth || (!s.Contains(':', StringComparison.Ordinal) && DateOnly.TryParse(s, CultureInfo.InvariantCulture, out _));
        var typed = DateOnly.FromDateTime(wall);
        if (isDate && periodEnd)
        {
            var next = isMonth ? typed.AddDays(1 - typed.Day) : typed;
            if (next >= (isMonth ? new DateOnly(9999, 12, 1) : new DateOnly(9999, 12, 31)))
            {
                reading = new Reading(DateTimeOffset.MaxValue, DateOnly.MaxValue, true);
                return true;
            }

            next = isMonth ? next.AddMonths(1) : next.AddDays(1);
            typed = next.AddDays(-1);
            wall = next.ToDateTime(TimeOnly.MinValue);
        }

        reading = new Reading(AtLocal(wall, zone), typed, isDate);
        return true;
    }

    /// <summary>
    /// A period from the ends a reader gave, <paramref name="length"/> long where one is missing: neither, the last
    /// <paramref name="length"/> to <paramref name="now"/>; only <c>to</c>, the <paramref name="length"/> before it; only
    /// <c>from</c>, from it to now, or when it starts later than now, <paramref name="length"/> from it (an empty period
    /// ahead, not a refusal of an end nobody typed). The case metrics and export and the console's metrics page share it.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Period(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan length) =>
        (from, to) switch
        {
            ({ } f, { } t) => (f, t),
            (null, { } t) => (t - length, t),
            ({ } f, null) => (f, f < now ? now : f + length),
            _ => (now - length, now),
        };

    /// <summary>
    /// The first instant whose wall clock in <paramref name="zone"/> reads <paramref name="wall"/>: of a time the clocks
    /// repeat (they went back), the first of the two; of a time they skip (they went forward, in some zones at midnight),
    /// the first instant after the gap, when the local day or hour really starts.
    /// </summary>
    public static DateTimeOffset AtLocal(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        try
        {
            if (zone.IsAmbiguousTime(wall))
            {
                return new DateTimeOffset(wall, zone.GetAmbiguousTimeOffsets(wall).Max());
            }

            // A wall time the zone does not call invalid is that time, unless the clock never read it: .NET on Linux does not
            // report the gap of a change stored as a one-off date rather than a yearly rule (Amman 2022-02-25, Asuncion
            // 2024-10-06, both at midnight), so the candidate is checked by reading it back.
            if (!zone.IsInvalidTime(wall))
            {
                var candidate = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
                if (TimeZoneInfo.ConvertTime(candidate, zone).DateTime == wall)
                {
                    return candidate;
                }
            }

            // In the gap: between the instants the wall time would be at the offsets on either side, find where the
            // local clock first reaches it (a transition falls on a whole second).
            var before = zone.GetUtcOffset(wall.AddDays(-1));
            var after = zone.GetUtcOffset(wall.AddDays(1));
            var lo = (wall.Ticks - Math.Max(before.Ticks, after.Ticks)) / TimeSpan.TicksPerSecond;
            var hi = (wall.Ticks - Math.Min(before.Ticks, after.Ticks)) / TimeSpan.TicksPerSecond;
            while (hi - lo > 1)
            {
                var mid = lo + ((hi - lo) / 2);
                var local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(mid * TimeSpan.TicksPerSecond, DateTimeKind.Utc), zone);
                if (local < wall)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            var instant = new DateTimeOffset(hi * TimeSpan.TicksPerSecond, TimeSpan.Zero);
            return instant.ToOffset(zone.GetUtcOffset(instant));
        }
        catch (ArgumentOutOfRangeException)
        {
            // Placed in the zone the wall time leaves DateTimeOffset's range (0001-01-01 at +14:00): the range's end.
            return wall.Year < 5000 ? DateTimeOffset.MinValue : DateTimeOffset.MaxValue;
        }
    }

    /// <summary>
    /// A zone a query may name: an IANA region id (America/New_York, Asia/Shanghai, UTC) or a Windows id .NET resolves, that
    /// Elasticsearch's Java also knows. The host's zoneinfo folder holds more files than zones (posix/…, right/…, posixrules,
    /// localtime, Factory): .NET would load them and the cluster would refuse them with a 500, so they are not zones here;
    /// nor is anything with a dot (no path can be named).
    /// </summary>
    public static bool TryFindZone(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (id is not { Length: > 0 and <= 64 }
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+' or ' ')
            || id.StartsWith('/') || id.EndsWith('/') || id.Contains("//", StringComparison.Ordinal)
            || id.StartsWith("posix/", StringComparison.Ordinal) || id.StartsWith("right/", StringComparison.Ordinal)
            || id is "posixrules" or "localtime" or "Factory")
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone);
    }

    /// <summary>
    /// A query's <c>utcOffset</c>: <c>+08:00</c>, <c>-05:30</c>, at most 14 hours either way in quarter hours (TimeSpan
    /// parsing refuses a leading '+', so the sign is taken apart).
    /// </summary>
    public static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        var negative = text.StartsWith('-');
        var body = text.TrimStart('+', '-');
        if (!TimeSpan.TryParseExact(body, @"hh\:mm", CultureInfo.InvariantCulture, out var parsed) || !IsOffset(parsed))
        {
            return false;
        }

        offset = negative ? -parsed : parsed;
        return true;
    }

    /// <summary>An offset a query may name: at most 14 hours either way, in quarter hours.</summary>
    public static bool IsOffset(TimeSpan offset) => offset.Duration() <= TimeSpan.FromHours(14) && offset.Ticks % (15 * TimeSpan.TicksPerMinute) == 0;

    /// <summary>A zone at a fixed offset from UTC (the stats' <c>utcOffset</c>, a reader whose browser gave no zone).</summary>
    public static TimeZoneInfo Fixed(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
        {
            return TimeZoneInfo.Utc;
        }

        var name = "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }
}
