namespace SentimentWatch.Cases.Domain;

/// <summary>
/// The metric figures of the cases opened on one UTC day, for one grouping (<see cref="Kind"/>:
/// empty for all cases, else <c>category</c>, <c>team</c>, <c>agent</c> or <c>watch</c>), one row
/// holding every key of it (decisions 164 and 198). Counts add up across days; the durations are kept
/// whole (sorted) so percentiles over any set of days stay exact, and the backlog is the sum of every
/// day's open cases. <see cref="Groups"/> is written and read by <see cref="Workflow.MetricGroupCodec"/>.
/// </summary>
public sealed class CaseMetricRollup
{
    public string Kind { get; set; } = string.Empty;

    /// <summary>Days since 0001-01-01 UTC of the cases' <see cref="Case.OpenedAt"/>.</summary>
    public int Day { get; set; }

    /// <summary>The day's open cases over every key (so a backlog read skips the days with none).</summary>
    public int Open { get; set; }

    /// <summary>Every key's <see cref="CaseMetricDay"/>, packed.</summary>
    public byte[] Groups { get; set; } = [];
}

/// <summary>
/// One key's figures in a day's <see cref="CaseMetricRollup"/>. The two figures that depend on the
/// moment of reading keep the instants they turn on: the due keys of open cases not already
/// breached (breached once the due key has passed), and the resolution instants of resolved cases
/// not yet rated (asked for satisfaction once the follow-up delay has passed). The four value lists
/// are sorted little-endian 64-bit values, slices of the packed row when read.
/// </summary>
public sealed class CaseMetricDay
{
    public int Day { get; set; }

    public string Key { get; set; } = string.Empty;

    public int Volume { get; set; }

    public int Resolved { get; set; }

    /// <summary>Cases whose first-response or resolution clock was breached (a fact that stays true).</summary>
    public int Breached { get; set; }

    public int Reopened { get; set; }

    public int Rated { get; set; }

    public long RatingSum { get; set; }

    /// <summary>Cases still open (the backlog counts every day's), and those of them already breached.</summary>
    public int Open { get; set; }

    public int OpenBreached { get; set; }

    public ReadOnlyMemory<byte> FirstResponseTicks { get; set; }

    public ReadOnlyMemory<byte> ResolutionTicks { get; set; }

    /// <summary>Due keys (UTC ticks) of open cases not yet breached.</summary>
    public ReadOnlyMemory<byte> OpenDueKeys { get; set; }

    /// <summary>Resolution instants, as stored, of resolved cases with no rating yet.</summary>
    public ReadOnlyMemory<byte> UnratedResolvedAt { get; set; }
}

/// <summary>
/// A day whose <see cref="CaseMetricRollup"/> rows are out of date: written in the same transaction as
/// the change to a case opened that day (one row per save, so writers never
/// wait on each other), removed by the refresh that rebuilt the day (which holds
/// the cases table meanwhile, so no change slips between the two). <see cref="AllDays"/> asks for a rebuild of every day (the migration
/// that creates the rollups writes it, so existing cases are counted).
/// </summary>
public sealed class CaseMetricDirtyDay
{
    public const int AllDays = -1;

    public long Id { get; set; }

    public int Day { get; set; }
}
