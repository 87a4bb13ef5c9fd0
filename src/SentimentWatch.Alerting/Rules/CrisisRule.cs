using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

public static class AlertSeverities
{
    public static bool TryParse(string? value, out AlertSeverity severity)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "info": severity = AlertSeverity.Info; return true;
            case "warning": severity = AlertSeverity.Warning; return true;
            case "critical": severity = AlertSeverity.Critical; return true;
            default: severity = default; return false;
        }
    }

    public static string ToWire(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        _ => "critical",
    };

    public static AlertSeverity OneUp(this AlertSeverity severity) =>
        severity == AlertSeverity.Critical ? AlertSeverity.Critical : severity + 1;
}

public enum CrisisRuleKind
{
    NegativeSpike,
    NegativeShare,
    RiskTerms,
    Influencer,
    CrisisScore,
    EmergingTopic,
    SourceSilent,
}

public enum EvidenceGrouping
{
    None,
    Source,
    Topic,
}

/// <summary>What a negativeSpike compares its window with.</summary>
public enum SpikeBaseline
{
    /// <summary>The mean of the BaselineWindows windows just before.</summary>
    Windows,

    /// <summary>The same window at the same time of week in each of the BaselineWeeks weeks before.</summary>
    HourOfWeek,
}

/// <summary>A validated crisis rule (see <see cref="CrisisRuleOptions"/> for the meaning of each field).</summary>
public sealed record CrisisRule
{
    public const string AnyWatch = "*";

    public required string Id { get; init; }
    public required string Watch { get; init; }
    public required CrisisRuleKind Kind { get; init; }
    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;
    public EvidenceGrouping GroupBy { get; init; }
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);
    public int MinCount { get; init; } = 1;
    public double Ratio { get; init; } = 3;
    public int BaselineWindows { get; init; } = 6;
    public double MinZ { get; init; } = 3;
    public SpikeBaseline Baseline { get; init; }
    public int BaselineWeeks { get; init; } = 4;

    /// <summary>hourOfWeek: the clock "the same time of week" is read on (decision 252).</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;
    public double Threshold { get; init; } = 0.5;
    public IReadOnlyList<string> Terms { get; init; } = [];
    public long MinReach { get; init; } = 100_000;
    public double EscalateAt { get; init; } = 2;
    public TimeSpan ClearFor { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The pseudo-watch sourceSilent alerts are filed under (one incident per source).</summary>
    public const string SourcesWatch = "sources";

    public bool AppliesTo(string watchId) =>
        Kind != CrisisRuleKind.SourceSilent && (Watch == AnyWatch || string.Equals(Watch, watchId, StringComparison.OrdinalIgnoreCase));

    /// <summary>How far back evidence must be loaded: spikes need the baseline window too.</summary>
    public TimeSpan Lookback => IsHourOfWeek ? HourOfWeekLookback(BaselineWeeks, Window, Zone) : Window * (1 + BaselineWindows);

    /// <summary>How far back an hourOfWeek baseline reaches: its weeks and window, and in a zone that changes its clocks, the
    /// largest change (a local week is then up to that much longer than 7 × 24 hours).</summary>
    public static TimeSpan HourOfWeekLookback(int weeks, TimeSpan window, TimeZoneInfo zone) =>
        TimeSpan.FromDays(7 * weeks) + window + ClockChange(zone);

    /// <inheritdoc cref="HourOfWeekLookback(int, TimeSpan, TimeZoneInfo)"/>
    public static TimeSpan HourOfWeekLookback(int weeks, TimeSpan window, string? zone) =>
        HourOfWeekLookback(weeks, window, MessageStyle.TryFindZone(zone, out var found) ? found : TimeZoneInfo.Utc);

    /// <summary>The zone's largest clock change in the rules of this century (Berlin's double summer time of 1945-1947 does not count).</summary>
    private static TimeSpan ClockChange(TimeZoneInfo zone) =>
        zone.SupportsDaylightSavingTime
            ? zone.GetAdjustmentRules().Where(r => r.DateEnd.Year >= 2000).Select(r => r.DaylightDelta.Duration()).DefaultIfEmpty(TimeSpan.Zero).Max()
            : TimeSpan.Zero;

    /// <summary>
    /// <paramref name="at"/>, <paramref name="weeks"/> weeks earlier on <see cref="Zone"/>'s clock: Monday 09:00 in Berlin is
    /// the Monday 09:00 before, 7 × 24 hours earlier except across a change of clocks, where it is an hour more or less.
    /// A wall time a change skipped is read an hour later; one it repeated, at its first occurrence.
    /// </summary>
    public DateTimeOffset WeeksBefore(DateTimeOffset at, int weeks)
    {
        if (Zone == TimeZoneInfo.Utc || !Zone.SupportsDaylightSavingTime)
        {
            return at - TimeSpan.FromDays(7 * weeks);
        }

        var wall = DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(at, Zone).DateTime.AddDays(-7 * weeks), DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(wall))
        {
            wall = wall.AddHours(1);
        }

        var offset = Zone.IsAmbiguousTime(wall) ? Zone.GetAmbiguousTimeOffsets(wall).Max() : Zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    public bool IsHourOfWeek => Kind == CrisisRuleKind.NegativeSpike && Baseline == SpikeBaseline.HourOfWeek;

    /// <summary>
    /// Rules that compare the window with a baseline (spike ratio and z-score, the crisis score's
    /// velocity, emerging terms' "absent before"): on an empty baseline they would read any traffic
    /// as a surge, so they wait until the history spans <see cref="Lookback"/>.
    /// </summary>
    public bool NeedsBaseline => Kind is CrisisRuleKind.NegativeSpike or CrisisRuleKind.CrisisScore or CrisisRuleKind.EmergingTopic;

    /// <summary>When a history that began at <paramref name="historySince"/> spans this rule's baseline.</summary>
    public DateTimeOffset? BaselineReadyAt(DateTimeOffset? historySince) =>
        !NeedsBaseline ? DateTimeOffset.MinValue : historySince is { } since ? since + Lookback : null;

    public bool IsBaselineReady(DateTimeOffset? historySince, DateTimeOffset now) =>
        BaselineReadyAt(historySince) is { } ready && ready <= now;

    /// <summary>
    /// The (from, to] time ranges whose evidence the rule reads at <paramref name="now"/>: one
    /// range back to <see cref="Lookback"/>, or for an hour-of-week baseline only the current
    /// window and the same window in each previous week (not weeks of everything in between).
    /// </summary>
    public IEnumerable<(DateTimeOffset From, DateTimeOffset To)> EvidenceRanges(DateTimeOffset now)
    {
        if (!IsHourOfWeek)
        {
            yield return (now - Lookback, now);
            yield break;
        }

        for (var week = 0; week <= BaselineWeeks; week++)
        {
            var end = WeeksBefore(now, week);
            yield return (end - Window, end);
        }
    }

    /// <summary>Merges overlapping (from, to] ranges of several rules into disjoint ones, earliest first.</summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> Merge(IEnumerable<(DateTimeOffset From, DateTimeOffset To)> ranges)
    {
        var merged = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var range in ranges.OrderBy(r => r.From))
        {
            if (merged.Count > 0 && range.From <= merged[^1].To)
            {
                merged[^1] = (merged[^1].From, range.To > merged[^1].To ? range.To : merged[^1].To);
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    public static bool TryParseBaseline(string? value, out SpikeBaseline baseline)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "windows": baseline = SpikeBaseline.Windows; return true;
            case "hourofweek": baseline = SpikeBaseline.HourOfWeek; return true;
            default: baseline = default; return false;
        }
    }

    public static string KindToWire(CrisisRuleKind kind) => kind switch
    {
        CrisisRuleKind.NegativeSpike => "negativeSpike",
        CrisisRuleKind.NegativeShare => "negativeShare",
        CrisisRuleKind.RiskTerms => "riskTerms",
        CrisisRuleKind.Influencer => "influencer",
        CrisisRuleKind.EmergingTopic => "emergingTopic",
        CrisisRuleKind.SourceSilent => "sourceSilent",
        _ => "crisisScore",
    };

    public static bool TryParseKind(string? value, out CrisisRuleKind kind)
    {
        foreach (var candidate in Enum.GetValues<CrisisRuleKind>())
        {
            if (string.Equals(KindToWire(candidate), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static bool TryParseGroup(string? value, out EvidenceGrouping grouping)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "none": grouping = EvidenceGrouping.None; return true;
            case "source": grouping = EvidenceGrouping.Source; return true;
            case "topic": grouping = EvidenceGrouping.Topic; return true;
            default: grouping = default; return false;
        }
    }

    /// <summary>Converts validated options (see <see cref="AlertingOptionsValidator"/>).</summary>
    public static CrisisRule From(CrisisRuleOptions o)
    {
        TryParseKind(o.Kind, out var kind);
        AlertSeverities.TryParse(o.Severity, out var severity);
        TryParseGroup(o.GroupBy, out var group);
        TryParseBaseline(o.Baseline, out var baseline);
        return new CrisisRule
        {
            Id = o.Id.Trim(),
            Watch = o.Watch.Trim(),
            Kind = kind,
            Severity = severity,
            GroupBy = group,
            Window = o.Window,
            MinCount = o.MinCount,
            Ratio = o.Ratio,
            BaselineWindows = o.BaselineWindows,
            MinZ = o.MinZ,
            Baseline = baseline,
            BaselineWeeks = o.BaselineWeeks,
            Zone = MessageStyle.TryFindZone(o.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc,
            Threshold = o.Threshold,
            Terms = o.Terms.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToArray(),
            MinReach = o.MinReach,
            EscalateAt = o.EscalateAt,
            ClearFor = o.ClearFor,
            Cooldown = o.Cooldown,
        };
    }
}
