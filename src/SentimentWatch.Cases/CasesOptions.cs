using System.Globalization;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Cases;

/// <summary>
/// Complaint cases (section <c>Cases</c>): which watches open cases and when, SLA policies on
/// business calendars, teams and agents, priority rules, and the follow-up practice.
/// See docs/cases.md.
/// </summary>
public sealed class CasesOptions
{
    public const string SectionName = "Cases";

    /// <summary>Watches that open cases; a watch not listed opens none.</summary>
    public List<WatchCaseSettings> Watches { get; set; } = [];

    /// <summary>A later complaint by the same author on the same watch attaches to the open case within this window.</summary>
    public TimeSpan AuthorWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A resolved case reopens when the same author complains again within this window of resolution.</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The follow-up visit (回访) falls due this long after resolution.</summary>
    public TimeSpan FollowUpDelay { get; set; } = TimeSpan.FromDays(2);

    /// <summary>The owner is warned this long (wall-clock) before a clock breaches.</summary>
    public TimeSpan WarningLeadTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// SLA clocks start when the customer posted, but never more than this before the case opened
    /// (decision 226): a post found days late, or replayed, must not open already breached. Shorter
    /// than the shortest first-response target, or such cases would still breach as they open.
    /// </summary>
    public TimeSpan SlaMaxBackdate { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>When the SLA clocks of a case opened at <paramref name="openedAt"/> from a post at <paramref name="postedAt"/> start.</summary>
    public DateTimeOffset ClockStart(DateTimeOffset postedAt, DateTimeOffset openedAt)
    {
        var earliest = openedAt - SlaMaxBackdate;
        return postedAt > openedAt ? openedAt : postedAt < earliest ? earliest : postedAt;
    }

    /// <summary>Cron of the Hangfire job that checks SLA clocks (Hangfire's finest is every minute).</summary>
    public string SlaCheckCron { get; set; } = "* * * * *";

    /// <summary>Base URL of the web console, for links in notices (<c>{base}/cases/{id}</c>).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Roles that see complainants' handles unredacted; others see them masked.</summary>
    public List<string> PersonalDataRoles { get; set; } = [ApiRoles.Admin, ApiRoles.Support];

    /// <summary>Business calendars by id; <c>24x7</c> is built in.</summary>
    public List<CalendarSettings> Calendars { get; set; } = [];

    /// <summary>One SLA policy per priority P1–P4; missing priorities fall back to <see cref="DefaultPolicy"/>.</summary>
    public List<SlaPolicySettings> Policies { get; set; } = [];

    public List<TeamSettings> Teams { get; set; } = [];
    public List<AgentSettings> Agents { get; set; } = [];

    /// <summary>An agent as people know them ("Zhao Min", <see cref="AgentSettings.Name"/>) in what is read outside the console; else the id.</summary>
    public string? PersonName(string? agentId) =>
        agentId is null ? null : Agents.FirstOrDefault(a => a.Id == agentId)?.Name is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : agentId;

    /// <summary>A team as people know it (<see cref="TeamSettings.Name"/>); else the id.</summary>
    public string? TeamName(string? teamId) =>
        teamId is null ? null : Teams.FirstOrDefault(t => t.Id == teamId)?.Name is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : teamId;

    /// <summary>Priority rules: the highest priority among matching rules wins; none matching gives <see cref="DefaultPriority"/>.</summary>
    public List<PriorityRuleSettings> PriorityRules { get; set; } = [];

    public string DefaultPriority { get; set; } = "P4";

    /// <summary>Author handles (or <c>source:handle</c>) of VIP customers.</summary>
    public List<string> VipAuthors { get; set; } = [];

    /// <summary>Root-cause categories a resolution may name.</summary>
    public List<string> RootCauses { get; set; } =
        ["product_defect", "service_failure", "logistics_delay", "billing_error", "policy", "customer_misunderstanding", "third_party", "no_fault_found", "other"];

    /// <summary>A direct complaint (intake flag) that matches no cases-enabled watch goes to this watch; default: the first listed.</summary>
    public string? DirectComplaintWatch { get; set; }

    public const string AlwaysCalendar = "24x7";

    /// <summary>The policy for a priority without its own: P1 1 h / 8 h … on 24x7.</summary>
    public static SlaPolicySettings DefaultPolicy(int priority) => priority switch
    {
        1 => new SlaPolicySettings { Priority = "P1", FirstResponse = TimeSpan.FromHours(1), Resolution = TimeSpan.FromHours(8) },
        2 => new SlaPolicySettings { Priority = "P2", FirstResponse = TimeSpan.FromHours(4), Resolution = TimeSpan.FromHours(24) },
        3 => new SlaPolicySettings { Priority = "P3", FirstResponse = TimeSpan.FromHours(8), Resolution = TimeSpan.FromDays(3) },
        _ => new SlaPolicySettings { Priority = "P4", FirstResponse = TimeSpan.FromHours(24), Resolution = TimeSpan.FromDays(5) },
    };

    public WatchCaseSettings? ForWatch(string watchId) =>
        Watches.FirstOrDefault(w => w.Enabled && string.Equals(w.Watch, watchId, StringComparison.Ordinal));
}

public sealed class WatchCaseSettings
{
    public string Watch { get; set; } = string.Empty;
    public bool Enabled { get; set; } = true;

    /// <summary>Negative probability a mention needs to open a case.</summary>
    public double MinNegative { get; set; } = 0.7;

    /// <summary>Complaint topics that open cases; empty means every topic but <c>other</c>.</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Team that owns this watch's cases; empty: the first team whose categories include the case's.</summary>
    public string? Team { get; set; }

    /// <summary>Assign new cases round-robin at once (otherwise they wait in the queue to be taken).</summary>
    public bool AutoAssign { get; set; } = true;
}

public sealed class CalendarSettings
{
    public string Id { get; set; } = string.Empty;

    /// <summary>IANA time zone, e.g. <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    public List<DayOfWeek> WorkingDays { get; set; } = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Opening time, local (<c>09:00</c>).</summary>
    public string Opens { get; set; } = "09:00";

    /// <summary>Closing time, local (<c>18:00</c>).</summary>
    public string Closes { get; set; } = "18:00";

    /// <summary>Days off that would be working days (<c>2026-10-01</c>).</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>Make-up working days (调休): days that are worked although the weekday is off.</summary>
    public List<string> MakeUpWorkingDays { get; set; } = [];
}

public sealed class SlaPolicySettings
{
    public string Priority { get; set; } = "P4";

    /// <summary>Working time on the calendar until the first reply is due.</summary>
    public TimeSpan FirstResponse { get; set; }

    /// <summary>Working time on the calendar until resolution is due.</summary>
    public TimeSpan Resolution { get; set; }

    public string Calendar { get; set; } = CasesOptions.AlwaysCalendar;
}

public sealed class TeamSettings
{
    public string Id { get; set; } = string.Empty;
    public string? Name { get; set; }

    /// <summary>Agent id of the team lead, who hears about breaches.</summary>
    public string? Lead { get; set; }

    /// <summary>Categories this team handles; empty means all.</summary>
    public List<string> Categories { get; set; } = [];
}

public sealed class AgentSettings
{
    /// <summary>The agent's user name: the API key's Name or the console user's name.</summary>
    public string Id { get; set; } = string.Empty;
    public string? Name { get; set; }
    public string Team { get; set; } = string.Empty;

    /// <summary>Categories the agent handles; <c>*</c> means all.</summary>
    public List<string> Skills { get; set; } = [];

    public int MaxOpenCases { get; set; } = 20;

    /// <summary>Where notices reach the agent (an address the notification channels understand); default the id.</summary>
    public string? Contact { get; set; }

    public bool HasSkill(string category) => Skills.Contains("*") || Skills.Contains(category, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// One priority rule: every condition given must hold. Example: <c>{ "Priority": "P1", "InOpenAlert": true }</c>.
/// </summary>
public sealed class PriorityRuleSettings
{
    public string Priority { get; set; } = "P3";
    public double? MinNegative { get; set; }
    public long? MinReach { get; set; }

    /// <summary>True: any risk term found; or list the terms that count.</summary>
    public bool? AnyRiskTerm { get; set; }

    public List<string> RiskTerms { get; set; } = [];
    public bool? VipAuthor { get; set; }
    public List<string> Categories { get; set; } = [];

    /// <summary>The mention is evidence of an open crisis alert.</summary>
    public bool? InOpenAlert { get; set; }

    public bool? DirectComplaint { get; set; }
}

public static class CasePriority
{
    public static bool TryParse(string? value, out int priority)
    {
        priority = 0;
        if (value is { Length: 2 } && (value[0] == 'P' || value[0] == 'p') && value[1] is >= '1' and <= '4')
        {
            priority = value[1] - '0';
            return true;
        }

        return false;
    }

    public static string ToWire(int priority) => "P" + priority.ToString(CultureInfo.InvariantCulture);
}

public sealed class CasesOptionsValidator : IValidateOptions<CasesOptions>
{
    public ValidateOptionsResult Validate(string? name, CasesOptions options)
    {
        var failures = new List<string>();
        const string S = CasesOptions.SectionName;

        for (var i = 0; i < options.Watches.Count; i++)
        {
            var w = options.Watches[i];
            if (string.IsNullOrWhiteSpace(w.Watch))
            {
                failures.Add($"{S}:Watches:{i}:Watch must name a watch id");
            }

            if (w.MinNegative is < 0 or > 1)
            {
                failures.Add($"{S}:Watches:{i}:MinNegative must be between 0 and 1 (was {w.MinNegative})");
            }

            if (!string.IsNullOrEmpty(w.Team) && !options.Teams.Any(t => t.Id == w.Team))
            {
                failures.Add($"{S}:Watches:{i}:Team '{w.Team}' is not a configured team");
            }
        }

        foreach (var (window, field) in new[] { (options.AuthorWindow, "AuthorWindow"), (options.ReopenWindow, "ReopenWindow"), (options.FollowUpDelay, "FollowUpDelay"), (options.WarningLeadTime, "WarningLeadTime") })
        {
            if (window < TimeSpan.Zero)
            {
                failures.Add($"{S}:{field} must not be negative (was {window})");
            }
        }

        if (options.SlaMaxBackdate < TimeSpan.Zero)
        {
            failures.Add($"{S}:SlaMaxBackdate must not be negative (was {options.SlaMaxBackdate})");
        }
        else
        {
            var shortest = Enumerable.Range(1, 4)
                .Select(p => options.Policies.FirstOrDefault(x => CasePriority.TryParse(x.Priority, out var q) && q == p) ?? CasesOptions.DefaultPolicy(p))
                .MinBy(p => p.FirstResponse)!;
            if (shortest.FirstResponse > TimeSpan.Zero && options.SlaMaxBackdate >= shortest.FirstResponse)
            {
                failures.Add($"{S}:SlaMaxBackdate ({options.SlaMaxBackdate}) must be shorter than the shortest first-response target ({shortest.Priority} {shortest.FirstResponse}), or cases opened from older posts breach as they open");
            }
        }

        if (string.IsNullOrWhiteSpace(options.SlaCheckCron) || options.SlaCheckCron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is not (5 or 6))
        {
            failures.Add($"{S}:SlaCheckCron '{options.SlaCheckCron}' is not a cron expression (5 fields, e.g. '* * * * *')");
        }

        if (options.PublicBaseUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            failures.Add($"{S}:PublicBaseUrl '{url}' is not an absolute URL");
        }

        foreach (var role in options.PersonalDataRoles.Where(r => !ApiRoles.All.Contains(r)))
        {
            failures.Add($"{S}:PersonalDataRoles '{role}' is not a role ({string.Join(", ", ApiRoles.All)})");
        }

        var calendarIds = new HashSet<string>(StringComparer.Ordinal) { CasesOptions.AlwaysCalendar };
        for (var i = 0; i < options.Calendars.Count; i++)
        {
            var c = options.Calendars[i];
            var p = $"{S}:Calendars:{i}";
            if (string.IsNullOrWhiteSpace(c.Id) || !calendarIds.Add(c.Id))
            {
                failures.Add($"{p}:Id must be a unique, non-empty id ('{CasesOptions.AlwaysCalendar}' is built in)");
            }

            failures.AddRange(Sla.BusinessCalendar.Problems(c).Select(problem => $"{p}:{problem}"));
        }

        var seenPriorities = new HashSet<int>();
        for (var i = 0; i < options.Policies.Count; i++)
        {
            var policy = options.Policies[i];
            var p = $"{S}:Policies:{i}";
            if (!CasePriority.TryParse(policy.Priority, out var priority))
            {
                failures.Add($"{p}:Priority '{policy.Priority}' is not one of P1, P2, P3, P4");
            }
            else if (!seenPriorities.Add(priority))
            {
                failures.Add($"{p}:Priority {policy.Priority} has more than one policy");
            }

            if (policy.FirstResponse <= TimeSpan.Zero || policy.Resolution <= TimeSpan.Zero)
            {
                failures.Add($"{p}: FirstResponse and Resolution must be positive (were {policy.FirstResponse} and {policy.Resolution})");
            }
            else if (policy.Resolution < policy.FirstResponse)
            {
                failures.Add($"{p}:Resolution ({policy.Resolution}) must not be shorter than FirstResponse ({policy.FirstResponse})");
            }

            if (!calendarIds.Contains(policy.Calendar))
            {
                failures.Add($"{p}:Calendar '{policy.Calendar}' is not a configured calendar ({string.Join(", ", calendarIds)})");
            }
        }

        var teamIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Teams.Count; i++)
        {
            var t = options.Teams[i];
            if (string.IsNullOrWhiteSpace(t.Id) || !teamIds.Add(t.Id))
            {
                failures.Add($"{S}:Teams:{i}:Id must be a unique, non-empty id");
            }
        }

        var agentIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Agents.Count; i++)
        {
            var a = options.Agents[i];
            var p = $"{S}:Agents:{i}";
            if (string.IsNullOrWhiteSpace(a.Id) || !agentIds.Add(a.Id))
            {
                failures.Add($"{p}:Id must be a unique, non-empty user name");
            }

            if (!teamIds.Contains(a.Team))
            {
                failures.Add($"{p}:Team '{a.Team}' is not a configured team");
            }

            if (a.MaxOpenCases < 1)
            {
                failures.Add($"{p}:MaxOpenCases must be at least 1 (was {a.MaxOpenCases})");
            }
        }

        for (var i = 0; i < options.Teams.Count; i++)
        {
            if (options.Teams[i].Lead is { Length: > 0 } lead && !agentIds.Contains(lead))
            {
                failures.Add($"{S}:Teams:{i}:Lead '{lead}' is not a configured agent");
            }
        }

        for (var i = 0; i < options.PriorityRules.Count; i++)
        {
            var r = options.PriorityRules[i];
            if (!CasePriority.TryParse(r.Priority, out _))
            {
                failures.Add($"{S}:PriorityRules:{i}:Priority '{r.Priority}' is not one of P1, P2, P3, P4");
            }

            if (r.MinNegative is < 0 or > 1)
            {
                failures.Add($"{S}:PriorityRules:{i}:MinNegative must be between 0 and 1 (was {r.MinNegative})");
            }
        }

        if (!CasePriority.TryParse(options.DefaultPriority, out _))
        {
            failures.Add($"{S}:DefaultPriority '{options.DefaultPriority}' is not one of P1, P2, P3, P4");
        }

        if (options.RootCauses.Count == 0)
        {
            failures.Add($"{S}:RootCauses must list at least one root-cause category");
        }

        if (options.DirectComplaintWatch is { Length: > 0 } direct && options.ForWatch(direct) is null)
        {
            failures.Add($"{S}:DirectComplaintWatch '{direct}' is not a cases-enabled watch in {S}:Watches");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
