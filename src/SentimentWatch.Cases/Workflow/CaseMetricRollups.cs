using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
using Hangfire;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging;
using SentimentWatch.Cases.Domain;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// Per-day rollups of the case metrics (decision 164). A metrics read over 90 days of 100,000 cases
/// read every case of the period (about 210 ms of CPU in SQLite); it now reads one row per day and
/// grouping, every key packed in (decision 198), and only the partial days at the period's two ends
/// case by case. Every save that
/// touches a case marks its day (<see cref="CasesDbContext"/>); <see cref="RefreshAsync"/> rebuilds
/// the marked days from the cases once a minute in the background, and a metrics read reads the days
/// still marked case by case (decision 197), so the figures are always those of the cases themselves
/// (a test compares them case by case).
/// </summary>
public sealed class CaseMetricRollups(IDbContextFactory<CasesDbContext> dbs, CaseDesk desk, ILogger<CaseMetricRollups> logger)
{
    public const string JobId = "cases-metric-rollups";

    /// <summary>The groupings kept; the empty kind is every case.</summary>
    public static readonly IReadOnlyList<string> Kinds = [string.Empty, "category", "team", "agent", "watch"];

    private static readonly DateTimeOffsetToBinaryConverter Instant = new();

    public static int DayOf(DateTimeOffset instant) => (int)(instant.UtcTicks / TimeSpan.TicksPerDay);

    /// <summary>The first instant of a UTC day; the day after the last one DateTimeOffset holds starts at its maximum.</summary>
    public static DateTimeOffset StartOf(int day) =>
        day > DayOf(DateTimeOffset.MaxValue) ? DateTimeOffset.MaxValue : new(Math.Max(day, 0) * TimeSpan.TicksPerDay, TimeSpan.Zero);

    /// <summary>The stored form of an instant, as the cases table holds it.</summary>
    public static long Stored(DateTimeOffset instant) => (long)Instant.ConvertToProvider(instant.ToUniversalTime())!;

    /// <summary>Rebuilds the rollups of every marked day. Safe to run at any time, from any worker.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using (var probe = await dbs.CreateDbContextAsync(cancellationToken))
        {
            if (!await probe.MetricDirtyDays.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var rebuilt = await desk.AsWriterAsync(() => RebuildMarkedDaysAsync(cancellationToken), cancellationToken);
        if (rebuilt.Days > 0)
        {
            logger.LogDebug("Case metric rollups: {Days} days rebuilt from {Cases} cases", rebuilt.Days, rebuilt.Cases);
        }
    }

    private async Task<(int Days, int Cases)> RebuildMarkedDaysAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // SQLite: the transaction begins IMMEDIATE, so no other writer runs meanwhile. PostgreSQL:
        // SHARE mode lets readers through and holds writers of cases until the rebuild commits, so
        // every mark read here belongs to a committed change the rebuild sees, and a change still
        // waiting keeps its own mark (its insert is invisible to the delete below).
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE cases IN SHARE MODE", cancellationToken);
        }

        var marks = await db.MetricDirtyDays.AsNoTracking().Select(m => new { m.Id, m.Day }).ToListAsync(cancellationToken);
        if (marks.Count == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return (0, 0);
        }

        var days = marks.Select(m => m.Day).Distinct().Order().ToArray();
        var rollups = new Dictionary<(int Day, string Kind, string Key), MetricAccumulator>();
        var cases = 0;
        if (days.Contains(CaseMetricDirtyDay.AllDays))
        {
            await db.MetricRollups.ExecuteDeleteAsync(cancellationToken);
            cases += await AccumulateDaysAsync(db, null, null, rollups, cancellationToken);
        }
        else
        {
            await db.MetricRollups.Where(d => Kinds.Contains(d.Kind) && days.Contains(d.Day)).ExecuteDeleteAsync(cancellationToken);
            foreach (var day in days)
            {
                cases += await AccumulateDaysAsync(db, StartOf(day), StartOf(day + 1), rollups, cancellationToken);
            }
        }

        // One row per grouping and day, every key of it packed in (decision 198), keys in ordinal order.
        db.MetricRollups.AddRange(rollups
            .GroupBy(r => (r.Key.Day, r.Key.Kind))
            .Select(g =>
            {
                var groups = g.OrderBy(r => r.Key.Key, StringComparer.Ordinal).Select(r => r.Value.ToDay(r.Key.Day, r.Key.Key)).ToList();
                return new CaseMetricRollup { Kind = g.Key.Kind, Day = g.Key.Day, Open = groups.Sum(x => x.Open), Groups = MetricGroupCodec.Encode(groups) };
            }));
        await db.SaveChangesAsync(cancellationToken);
        var lastMark = marks.Max(m => m.Id);
        await db.MetricDirtyDays.Where(m => m.Id <= lastMark).ExecuteDeleteAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (rollups.Keys.Select(k => k.Day).Distinct().Count(), cases);
    }

    private static async Task<int> AccumulateDaysAsync(CasesDbContext db, DateTimeOffset? from, DateTimeOffset? to, Dictionary<(int, string, string), MetricAccumulator> rollups, CancellationToken cancellationToken)
    {
        return await ReadCasesAsync(db, from, to, null, (in CaseMetricRow row) =>
        {
            var day = DayOf((DateTimeOffset)Instant.ConvertFromProvider(row.OpenedAt)!);
            foreach (var kind in Kinds)
            {
                var key = (day, kind, row.KeyFor(kind));
                if (!rollups.TryGetValue(key, out var sum))
                {
                    rollups[key] = sum = new MetricAccumulator();
                }

                sum.Add(row);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A metrics read reads at most this many marked days case by case; with more marked (a bulk
    /// change, or the background refresh not running) it rebuilds them first (decision 197).
    /// </summary>
    public const int MarkedDaysReadDirectly = 14;

    /// <summary>The marked days (<see cref="CaseMetricDirtyDay.AllDays"/> among them when every day is).</summary>
    internal static async Task<HashSet<int>> MarkedDaysAsync(CasesDbContext db, CancellationToken cancellationToken) =>
        [.. await db.MetricDirtyDays.AsNoTracking().Select(m => m.Day).Distinct().ToListAsync(cancellationToken)];

    /// <summary>
    /// Begins a read-only transaction in which every statement sees the same committed state: a day's
    /// mark, its rollups and its cases agree. SQLite: deferred, so it takes no write lock (WAL readers
    /// keep the snapshot of their first read). PostgreSQL: REPEATABLE READ.
    /// </summary>
    internal static async Task<DbTransaction> BeginSnapshotAsync(CasesDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var transaction = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return transaction;
    }

    /// <summary>
    /// The rollups of one grouping, read without the change tracker's materialiser (it was a third of a
    /// grouped read's time): every key of the days in [firstDay, endDay), or
    /// (<paramref name="backlogOutside"/>) the keys with open cases of the days outside that range.
    /// </summary>
    internal static async Task ReadDaysAsync(CasesDbContext db, string kind, int firstDay, int endDay, bool backlogOutside, Action<CaseMetricDay> handle, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, cancellationToken);
        command.CommandText = backlogOutside
            ? """SELECT "Day", "Groups" FROM case_metric_rollups WHERE "Kind" = @kind AND "Open" > 0 AND ("Day" < @first OR "Day" >= @end)"""
            : """SELECT "Day", "Groups" FROM case_metric_rollups WHERE "Kind" = @kind AND "Day" >= @first AND "Day" < @end""";
        Add(command, "@kind", kind);
        Add(command, "@first", firstDay);
        Add(command, "@end", endDay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            MetricGroupCodec.Decode(reader.GetInt32(0), (byte[])reader.GetValue(1), backlogOutside, handle);
        }
    }

    /// <summary>
    /// The metric columns of the cases opened in [from, to) (every case when null) and not merged
    /// away, read off the covering period index; of the key columns only the one of the grouping
    /// <paramref name="kind"/> (null: every one; empty: none), the others read as empty strings,
    /// which saves their decoding.
    /// </summary>
    internal static async Task<int> ReadCasesAsync(CasesDbContext db, DateTimeOffset? from, DateTimeOffset? to, string? kind, RowHandler handle, CancellationToken cancellationToken)
    {
        string KeyColumn(string ofKind, string column) => kind is null || kind == ofKind ? $"COALESCE(\"{column}\", '(none)')" : "''";
        await using var command = await CommandAsync(db, cancellationToken);
        var range = from is null || to is null ? string.Empty : "\"OpenedAt\" >= @from AND \"OpenedAt\" < @to AND ";
        command.CommandText = $"""
            SELECT "OpenedAt", "Status", "ResolvedAt", "FirstResponseBreached", "ResolutionBreached", "IsOpen", "DueKey",
                   "ReopenCount", "Satisfaction", "FirstResponseWorking", "ResolutionWorking",
                   {KeyColumn("category", "Category")}, {KeyColumn("team", "Team")}, {KeyColumn("agent", "Owner")}, {KeyColumn("watch", "WatchId")}
            FROM cases WHERE {range}"MergedIntoId" IS NULL
            """;
        if (from is { } f && to is { } t)
        {
            Add(command, "@from", Stored(f));
            Add(command, "@to", Stored(t));
        }

        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new CaseMetricRow(
                reader.GetInt64(0),
                (CaseStatus)reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.GetBoolean(3),
                reader.GetBoolean(4),
                reader.GetBoolean(5),
                reader.GetInt64(6),
                reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10),
                reader.GetString(11),
                reader.GetString(12),
                reader.GetString(13),
                reader.GetString(14));
            handle(row);
            count++;
        }

        return count;
    }

    internal delegate void RowHandler(in CaseMetricRow row);

    /// <summary>A command on the context's connection (opened) and in its current transaction, if any.</summary>
    private static async Task<DbCommand> CommandAsync(CasesDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>One case's metric columns: instants as stored, durations in ticks.</summary>
internal readonly record struct CaseMetricRow(
    long OpenedAt,
    CaseStatus Status,
    long? ResolvedAt,
    bool FirstResponseBreached,
    bool ResolutionBreached,
    bool IsOpen,
    long DueKey,
    int ReopenCount,
    int? Satisfaction,
    long? FirstResponseTicks,
    long? ResolutionTicks,
    string Category,
    string Team,
    string Owner,
    string Watch)
{
    public string KeyFor(string kind) => kind switch
    {
        "category" => Category,
        "team" => Team,
        "agent" => Owner,
        "watch" => Watch,
        _ => string.Empty,
    };
}

/// <summary>
/// The figures of a set of cases, added case by case or rollup by rollup, read out at a moment:
/// an open case counts as breached once its due key has passed, a resolved unrated case as asked
/// for its rating once the follow-up delay has passed. Values are kept as sorted runs (a day's
/// rollup is one run), never merged: a percentile is found by searching the value range and counting
/// at or below it in every run, which is exact and costs a few binary searches per run.
/// </summary>
internal sealed class MetricAccumulator
{
    public int Volume;
    public int Resolved;
    public int Breached;
    public int Reopened;
    public int Rated;
    public long RatingSum;
    public int Open;
    public int OpenBreached;
    public readonly SortedRuns FirstResponse = new();
    public readonly SortedRuns Resolution = new();
    public readonly SortedRuns OpenDueKeys = new();
    public readonly SortedRuns UnratedResolvedAt = new();

    public void Add(in CaseMetricRow row)
    {
        Volume++;
        if (row.ResolvedAt is not null || row.Status is CaseStatus.Resolved or CaseStatus.Closed)
        {
            Resolved++;
        }

        var breached = row.FirstResponseBreached || row.ResolutionBreached;
        if (breached)
        {
            Breached++;
        }

        if (row.IsOpen)
        {
            Open++;
            if (breached)
            {
                OpenBreached++;
            }
            else
            {
                OpenDueKeys.Add(row.DueKey);
            }
        }

        if (row.ReopenCount > 0)
        {
            Reopened++;
        }

        if (row.Satisfaction is { } rating)
        {
            Rated++;
            RatingSum += rating;
        }
        else if (row.ResolvedAt is { } resolvedAt)
        {
            UnratedResolvedAt.Add(resolvedAt);
        }

        if (row.FirstResponseTicks is { } first)
        {
            FirstResponse.Add(first);
        }

        if (row.ResolutionTicks is { } resolution)
        {
            Resolution.Add(resolution);
        }
    }

    /// <summary>A day's figures for the period's counts and durations.</summary>
    public void AddPeriod(CaseMetricDay day)
    {
        Volume += day.Volume;
        Resolved += day.Resolved;
        Breached += day.Breached;
        Reopened += day.Reopened;
        Rated += day.Rated;
        RatingSum += day.RatingSum;
        FirstResponse.AddRun(day.FirstResponseTicks);
        Resolution.AddRun(day.ResolutionTicks);
        OpenDueKeys.AddRun(day.OpenDueKeys);
        UnratedResolvedAt.AddRun(day.UnratedResolvedAt);
    }

    /// <summary>One open case, for the backlog (read case by case from a day whose rollups are out of date).</summary>
    public void AddOpen(in CaseMetricRow row)
    {
        Open++;
        if (row.FirstResponseBreached || row.ResolutionBreached)
        {
            OpenBreached++;
        }
        else
        {
            OpenDueKeys.Add(row.DueKey);
        }
    }

    /// <summary>A day's open cases, for the backlog (which is about the present, whatever the period).</summary>
    public void AddBacklog(CaseMetricDay day)
    {
        Open += day.Open;
        OpenBreached += day.OpenBreached;
        OpenDueKeys.AddRun(day.OpenDueKeys);
    }

    /// <summary>Open cases breached by <paramref name="nowTicks"/>.</summary>
    public int OpenBreachedAt(long nowTicks) => OpenBreached + OpenDueKeys.CountAtMost(nowTicks);

    public void Add(MetricAccumulator other)
    {
        Volume += other.Volume;
        Resolved += other.Resolved;
        Breached += other.Breached;
        Reopened += other.Reopened;
        Rated += other.Rated;
        RatingSum += other.RatingSum;
        Open += other.Open;
        OpenBreached += other.OpenBreached;
        FirstResponse.Add(other.FirstResponse);
        Resolution.Add(other.Resolution);
        OpenDueKeys.Add(other.OpenDueKeys);
        UnratedResolvedAt.Add(other.UnratedResolvedAt);
    }

    /// <summary>Breached by <paramref name="nowTicks"/>, statically or by an open clock that has run out.</summary>
    public int BreachedAt(long nowTicks) => Breached + OpenDueKeys.CountAtMost(nowTicks);

    /// <summary>Cases whose customer has been asked for a rating by <paramref name="followUpCutoff"/> (stored form).</summary>
    public int AskedAt(long followUpCutoff) => Rated + UnratedResolvedAt.CountAtMost(followUpCutoff);

    public CaseMetricDay ToDay(int day, string key) => new()
    {
        Day = day,
        Key = key,
        Volume = Volume,
        Resolved = Resolved,
        Breached = Breached,
        Reopened = Reopened,
        Rated = Rated,
        RatingSum = RatingSum,
        Open = Open,
        OpenBreached = OpenBreached,
        FirstResponseTicks = FirstResponse.ToSortedBytes(),
        ResolutionTicks = Resolution.ToSortedBytes(),
        OpenDueKeys = OpenDueKeys.ToSortedBytes(),
        UnratedResolvedAt = UnratedResolvedAt.ToSortedBytes(),
    };
}

/// <summary>
/// Values in sorted runs (little-endian 64-bit, as every platform this service runs on lays them
/// out) plus loose values not yet sorted; counted and ranked without merging the runs.
/// </summary>
internal sealed class SortedRuns
{
    private readonly List<ReadOnlyMemory<byte>> _runs = [];
    private readonly List<long> _loose = [];
    private bool _looseSorted = true;

    public int Count { get; private set; }

    public void Add(long value)
    {
        _loose.Add(value);
        _looseSorted = false;
        Count++;
    }

    public void AddRun(ReadOnlyMemory<byte> sorted)
    {
        if (sorted.Length > 0)
        {
            _runs.Add(sorted);
            Count += sorted.Length / sizeof(long);
        }
    }

    public void Add(SortedRuns other)
    {
        other.SortLoose();
        _runs.AddRange(other._runs);
        if (other._loose.Count > 0)
        {
            _runs.Add(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(other._loose)).ToArray());
        }

        Count += other.Count;
    }

    public byte[] ToSortedBytes()
    {
        var all = new long[Count];
        var at = 0;
        foreach (var run in _runs)
        {
            var values = MemoryMarshal.Cast<byte, long>(run.Span);
            values.CopyTo(all.AsSpan(at));
            at += values.Length;
        }

        _loose.CopyTo(all, at);
        Array.Sort(all);
        return MemoryMarshal.AsBytes(all.AsSpan()).ToArray();
    }

    /// <summary>How many values are at most <paramref name="limit"/>.</summary>
    public int CountAtMost(long limit)
    {
        SortLoose();
        var count = UpperBound(CollectionsMarshal.AsSpan(_loose), limit);
        foreach (var run in _runs)
        {
            count += UpperBound(MemoryMarshal.Cast<byte, long>(run.Span), limit);
        }

        return count;
    }

    /// <summary>
    /// The nearest-rank value: the least value with at least <paramref name="rank"/> values at or
    /// below it (1-based), found by bisecting the value range.
    /// </summary>
    public long? ValueAtRank(int rank)
    {
        if (Count == 0)
        {
            return null;
        }

        SortLoose();
        var lo = long.MaxValue;
        var hi = long.MinValue;
        foreach (var values in Spans())
        {
            lo = Math.Min(lo, values[0]);
            hi = Math.Max(hi, values[^1]);
        }

        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (CountAtMost(mid) >= rank)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private IEnumerable<long[]> Spans()
    {
        // Bounds only: the first and last value of each run.
        if (_loose.Count > 0)
        {
            yield return [_loose[0], _loose[^1]];
        }

        foreach (var run in _runs)
        {
            var values = MemoryMarshal.Cast<byte, long>(run.Span);
            yield return [values[0], values[^1]];
        }
    }

    private void SortLoose()
    {
        if (!_looseSorted)
        {
            _loose.Sort();
            _looseSorted = true;
        }
    }

    private static int UpperBound(ReadOnlySpan<long> sorted, long limit)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= limit)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

/// <summary>
/// Packs a day's keys of one grouping into <see cref="CaseMetricRollup.Groups"/> (decision 198):
/// per key, its UTF-8 bytes padded to 8, eight counts, then the four sorted value lists, every number
/// a little-endian 64-bit value, so each list is read in place as a slice of the row.
/// </summary>
internal static class MetricGroupCodec
{
    public static byte[] Encode(IReadOnlyList<CaseMetricDay> groups)
    {
        var size = 8;
        foreach (var g in groups)
        {
            size += 8 + Pad(Encoding.UTF8.GetByteCount(g.Key)) + (8 * 8) + (4 * 8)
                + g.FirstResponseTicks.Length + g.ResolutionTicks.Length + g.OpenDueKeys.Length + g.UnratedResolvedAt.Length;
        }

        var blob = new byte[size];
        var at = 0;
        void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(at), value);
            at += 8;
        }

        void Values(ReadOnlyMemory<byte> sorted)
        {
            Long(sorted.Length / 8);
            sorted.Span.CopyTo(blob.AsSpan(at));
            at += sorted.Length;
        }

        Long(groups.Count);
        foreach (var g in groups)
        {
            var keyBytes = Encoding.UTF8.GetBytes(g.Key);
            Long(keyBytes.Length);
            keyBytes.CopyTo(blob.AsSpan(at));
            at += Pad(keyBytes.Length);
            Long(g.Volume);
            Long(g.Resolved);
            Long(g.Breached);
            Long(g.Reopened);
            Long(g.Rated);
            Long(g.RatingSum);
            Long(g.Open);
            Long(g.OpenBreached);
            Values(g.FirstResponseTicks);
            Values(g.ResolutionTicks);
            Values(g.OpenDueKeys);
            Values(g.UnratedResolvedAt);
        }

        return blob;
    }

    /// <summary>Every key of a packed day (with <paramref name="openOnly"/>, only those with open cases).</summary>
    public static void Decode(int day, byte[] blob, bool openOnly, Action<CaseMetricDay> handle)
    {
        var at = 0;
        long Long()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(blob.AsSpan(at));
            at += 8;
            return value;
        }

        ReadOnlyMemory<byte> Values()
        {
            var length = checked((int)Long() * 8);
            var values = new ReadOnlyMemory<byte>(blob, at, length);
            at += length;
            return values;
        }

        var count = Long();
        for (var i = 0; i < count; i++)
        {
            var keyLength = (int)Long();
            var key = Encoding.UTF8.GetString(blob, at, keyLength);
            at += Pad(keyLength);
            var group = new CaseMetricDay
            {
                Day = day,
                Key = key,
                Volume = (int)Long(),
                Resolved = (int)Long(),
                Breached = (int)Long(),
                Reopened = (int)Long(),
                Rated = (int)Long(),
                RatingSum = Long(),
                Open = (int)Long(),
                OpenBreached = (int)Long(),
                FirstResponseTicks = Values(),
                ResolutionTicks = Values(),
                OpenDueKeys = Values(),
                UnratedResolvedAt = Values(),
            };
            if (!openOnly || group.Open > 0)
            {
                handle(group);
            }
        }
    }

    private static int Pad(int length) => (length + 7) & ~7;
}
