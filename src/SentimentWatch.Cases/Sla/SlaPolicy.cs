using SentimentWatch.Cases.Domain;

namespace SentimentWatch.Cases.Sla;

/// <summary>First-response and resolution targets for one priority, as working time on a calendar.</summary>
public sealed record SlaPolicy(int Priority, TimeSpan FirstResponse, TimeSpan Resolution, BusinessCalendar Calendar);

/// <summary>The configured calendars and the policy of each priority.</summary>
public sealed class SlaPolicies
{
    private readonly Dictionary<string, BusinessCalendar> _calendars;
    private readonly Dictionary<int, SlaPolicy> _policies = [];

    public SlaPolicies(CasesOptions options)
    {
        _calendars = options.Calendars.ToDictionary(c => c.Id, BusinessCalendar.From, StringComparer.Ordinal);
        _calendars[CasesOptions.AlwaysCalendar] = BusinessCalendar.Always;
        for (var priority = 1; priority <= 4; priority++)
        {
            var settings = options.Policies.FirstOrDefault(p => CasePriority.TryParse(p.Priority, out var n) && n == priority)
                ?? CasesOptions.DefaultPolicy(priority);
            _policies[priority] = new SlaPolicy(priority, settings.FirstResponse, settings.Resolution, Calendar(settings.Calendar));
        }
    }

    public SlaPolicy For(int priority) => _policies[Math.Clamp(priority, 1, 4)];

    /// <summary>A calendar by id; an id no longer configured falls back to 24x7 rather than failing a case.</summary>
    public BusinessCalendar Calendar(string id) => _calendars.GetValueOrDefault(id) ?? BusinessCalendar.Always;

    public BusinessCalendar CalendarOf(Case c) => Calendar(c.Calendar);
}

/// <summary>A running SLA clock's deadline: <see cref="Clock"/> is <c>first_response</c> or <c>resolution</c>, as in <see cref="SlaClockView.Clock"/>.</summary>
public sealed record SlaDeadline(string Clock, DateTimeOffset DueAt)
{
    public const string FirstResponse = "first_response";
    public const string Resolution = "resolution";
}

/// <summary>One SLA clock of a case as people see it.</summary>
public sealed record SlaClockView(
    string Clock,
    TimeSpan Target,
    DateTimeOffset? DueAt,
    DateTimeOffset? MetAt,
    bool Paused,
    bool Breached,
    TimeSpan? TimeLeft,
    string State);

public sealed record SlaView(string Calendar, DateTimeOffset ClockStartedAt, bool Paused, DateTimeOffset? PausedSince, SlaClockView FirstResponse, SlaClockView Resolution, bool Breached)
{
    /// <summary>
    /// The clocks at <paramref name="now"/>: time left is working time on the calendar (negative
    /// when overdue); while paused it is frozen at what was left when the pause began.
    /// </summary>
    public static SlaView Of(Case c, BusinessCalendar calendar, DateTimeOffset now)
    {
        var elapsed = c.ElapsedWorking(now, calendar);
        var first = Clock(SlaDeadline.FirstResponse, c.FirstResponseTarget, c.FirstResponseDueAt, c.FirstResponseAt, c.FirstResponseBreached, c, elapsed);
        var resolution = Clock(SlaDeadline.Resolution, c.ResolutionTarget, c.ResolutionDueAt, c.ResolvedAt, c.ResolutionBreached, c, elapsed);
        return new SlaView(calendar.Id, c.ClockStartedAt, c.IsPaused, c.PausedAt, first, resolution, first.Breached || resolution.Breached);
    }

    private static SlaClockView Clock(string name, TimeSpan target, DateTimeOffset? due, DateTimeOffset? met, bool breachedFlag, Case c, TimeSpan elapsed)
    {
        if (met is { } at)
        {
            var late = breachedFlag || (due is { } d && at > d);
            return new SlaClockView(name, target, due, at, false, late, null, late ? "met_late" : "met");
        }

        if (!c.IsOpen)
        {
            // Closed or merged without this clock being met: it no longer runs.
            return new SlaClockView(name, target, due, null, false, breachedFlag, null, "stopped");
        }

        var left = target - elapsed;
        var breached = breachedFlag || left < TimeSpan.Zero;
        var state = c.IsPaused ? "paused" : breached ? "breached" : "running";
        return new SlaClockView(name, target, due, null, c.IsPaused, breached, left, state);
    }
}
