using System.Globalization;

namespace SentimentWatch.Cases.Sla;

/// <summary>
/// When the support desk works: every instant (<c>24x7</c>), or opening hours on working days in
/// an IANA time zone, minus holidays, plus make-up working days (调休). SLA targets are amounts
/// of working time on a calendar; this turns them into instants and back.
/// </summary>
public sealed class BusinessCalendar
{
    // Ten years of days: a target can never need more, and a calendar without a working day
    // (all holidays) must not loop forever.
    private const int MaxDays = 3_660;

    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpDays;
    private readonly TimeOnly _opens;
    private readonly TimeOnly _closes;

    private BusinessCalendar(string id, TimeZoneInfo? zone, IEnumerable<DayOfWeek> workingDays, TimeOnly opens, TimeOnly closes, IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpDays)
    {
        Id = id;
        Zone = zone;
        _workingDays = [.. workingDays];
        _opens = opens;
        _closes = closes;
        _holidays = [.. holidays];
        _makeUpDays = [.. makeUpDays];
    }

    public string Id { get; }

    /// <summary>Null for the round-the-clock calendar.</summary>
    public TimeZoneInfo? Zone { get; }

    public bool IsAlways => Zone is null;

    public static readonly BusinessCalendar Always = new(CasesOptions.AlwaysCalendar, null, [], default, default, [], []);

    public static BusinessCalendar From(CalendarSettings settings)
    {
        var problems = Problems(settings);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(settings));
        }

        return new BusinessCalendar(
            settings.Id,
            TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone),
            settings.WorkingDays,
            TimeOnly.ParseExact(settings.Opens, "HH:mm", CultureInfo.InvariantCulture),
            TimeOnly.ParseExact(settings.Closes, "HH:mm", CultureInfo.InvariantCulture),
            settings.Holidays.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
            settings.MakeUpWorkingDays.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
    }

    /// <summary>What is wrong with a calendar's settings, field by field (for the options validator).</summary>
    public static IReadOnlyList<string> Problems(CalendarSettings settings)
    {
        var problems = new List<string>();
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problems.Add($"TimeZone '{settings.TimeZone}' is not a known IANA time zone (e.g. Asia/Shanghai)");
        }

        var opensOk = TimeOnly.TryParseExact(settings.Opens, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens);
        var closesOk = TimeOnly.TryParseExact(settings.Closes, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes);
        if (!opensOk)
        {
            problems.Add($"Opens '{settings.Opens}' is not a time of day HH:mm");
        }

        if (!closesOk)
        {
            problems.Add($"Closes '{settings.Closes}' is not a time of day HH:mm");
        }

        if (opensOk && closesOk && closes <= opens)
        {
            problems.Add($"Closes ({settings.Closes}) must be after Opens ({settings.Opens})");
        }

        if (settings.WorkingDays.Count == 0 && settings.MakeUpWorkingDays.Count == 0)
        {
            problems.Add("WorkingDays must list at least one day");
        }

        foreach (var (list, field) in new[] { (settings.Holidays, "Holidays"), (settings.MakeUpWorkingDays, "MakeUpWorkingDays") })
        {
            foreach (var day in list.Where(d => !DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            {
                problems.Add($"{field} '{day}' is not a date yyyy-MM-dd");
            }
        }

        return problems;
    }

    public bool IsWorkingDay(DateOnly day) =>
        IsAlways || _makeUpDays.Contains(day) || (!_holidays.Contains(day) && _workingDays.Contains(day.DayOfWeek));

    /// <summary>The instant when <paramref name="working"/> of working time has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan working)
    {
        from = from.ToUniversalTime();
        if (IsAlways)
        {
            return from + working;
        }

        if (working < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(working), "working time to add must not be negative");
        }

        var remaining = working;
        var day = LocalDate(from);
        for (var i = 0; i < MaxDays; i++, day = day.AddDays(1))
        {
            if (Interval(day) is not var (start, end))
            {
                continue;
            }

            var s = from > start ? from : start;
            if (s >= end)
            {
                continue;
            }

            var available = end - s;
            if (remaining <= available)
            {
                return s + remaining;
            }

            remaining -= available;
        }

        throw new InvalidOperationException($"calendar '{Id}' has no working time in the {MaxDays} days after {from:O}");
    }

    /// <summary>Working time between two instants; negative when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -Between(to, from);
        }

        if (IsAlways)
        {
            return to - from;
        }

        var total = TimeSpan.Zero;
        var last = LocalDate(to);
        var day = LocalDate(from);
        for (var i = 0; i < MaxDays * 3 && day <= last; i++, day = day.AddDays(1))
        {
            if (Interval(day) is not var (start, end))
            {
                continue;
            }

            var s = from > start ? from : start;
            var e = to < end ? to : end;
            if (e > s)
            {
                total += e - s;
            }
        }

        return total;
    }

    /// <summary>Working hours of one local day as UTC instants; null when it is not a working day.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? Interval(DateOnly day)
    {
        if (IsAlways || !IsWorkingDay(day))
        {
            return null;
        }

        return (ToUtc(day.ToDateTime(_opens)), ToUtc(day.ToDateTime(_closes)));
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone!).DateTime);

    private DateTimeOffset ToUtc(DateTime local)
    {
        // An opening time inside a daylight-saving gap does not exist: open at the end of the gap.
        while (Zone!.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone), TimeSpan.Zero);
    }
}
