using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Storage;

namespace SentimentWatch.Cases;

/// <summary>The cases' tables in the state store, with their own migrations history.</summary>
public sealed class CasesDbContext(DbContextOptions<CasesDbContext> options) : DbContext(options)
{
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseMention> Mentions => Set<CaseMention>();
    public DbSet<CaseNote> Notes => Set<CaseNote>();
    public DbSet<CustomerReply> Replies => Set<CustomerReply>();
    public DbSet<CaseAuditEntry> Audit => Set<CaseAuditEntry>();
    public DbSet<CaseFollowUp> FollowUps => Set<CaseFollowUp>();
    public DbSet<CaseSlaSignal> SlaSignals => Set<CaseSlaSignal>();
    public DbSet<CaseAlertLink> AlertLinks => Set<CaseAlertLink>();
    public DbSet<AssignmentCursor> AssignmentCursors => Set<AssignmentCursor>();
    public DbSet<CaseMetricRollup> MetricRollups => Set<CaseMetricRollup>();
    public DbSet<CaseMetricDirtyDay> MetricDirtyDays => Set<CaseMetricDirtyDay>();

    /// <summary>
    /// Saves, and marks the UTC day of every case added, changed or removed as needing new metric
    /// rollups, in the same transaction (decision 164). A mark is a plain insert, so writers never
    /// wait on each other's marks; the refresh holds the cases table while it rebuilds, so no change
    /// slips between a rebuild and the removal of the marks it read (<see cref="CaseMetricRollups"/>).
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var auto = BeforeSave();
        try
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            AfterSave(acceptAllChangesOnSuccess);
            return written;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var auto = BeforeSave();
        try
        {
            var written = base.SaveChanges(acceptAllChangesOnSuccess);
            AfterSave(acceptAllChangesOnSuccess);
            return written;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>
    /// Set by complaint intake for its batch context (decision 179). Intake saves many times in one
    /// batch (a new case's id, a lookup that must see what was written), and every save compared every
    /// tracked row with its snapshot, so a batch's cost grew with the square of its complaints. In an
    /// intake batch, rows the context only ever inserts (case mentions, audit entries, alert links,
    /// metric marks) stop being tracked once saved, and a held case is compared only when its row version
    /// moved (<see cref="DetectIntakeChanges"/>). Cases stay tracked: intake may change one again.
    /// </summary>
    public bool IntakeBatch { get; set; }

    // One scan for changes per save: the marks below read the tracker without a second scan, and the
    // base save is told not to scan again.
    private bool BeforeSave()
    {
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        if (auto && IntakeBatch)
        {
            DetectIntakeChanges();
        }
        else if (auto)
        {
            ChangeTracker.DetectChanges();
        }

        MarkChangedCaseDays();
        return auto;
    }

    /// <summary>
    /// Complaint intake holds every candidate case of its batch, and saves once per case it opens:
    /// comparing every property of every held case at each save was a third of intake's CPU. Intake
    /// changes a case only through <see cref="Case.Touch"/>, which always moves the case's row version
    /// (the concurrency token; not always <see cref="Case.Version"/>, the ETag, decision 258), so a held
    /// case whose row version is unchanged is skipped; every other entry is compared in full (decision 179).
    /// </summary>
    private void DetectIntakeChanges()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is Case c && entry.State == EntityState.Unchanged
                && entry.Property(nameof(Case.RowVersion)).OriginalValue is int rowVersion && rowVersion == c.RowVersion)
            {
                continue;
            }

            entry.DetectChanges();
        }
    }

    private void AfterSave(bool accepted)
    {
        if (!IntakeBatch || !accepted)
        {
            return;
        }

        foreach (var entry in ChangeTracker.Entries().ToList())
        {
            if (entry.State == EntityState.Unchanged && entry.Entity is CaseMention or CaseAuditEntry or CaseAlertLink or CaseMetricDirtyDay)
            {
                entry.State = EntityState.Detached;
            }
        }
    }

    private void MarkChangedCaseDays()
    {
        HashSet<int>? days = null;
        foreach (var entry in ChangeTracker.Entries<Case>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                days ??= [];
                days.Add(CaseMetricRollups.DayOf(entry.Entity.OpenedAt));
                if (entry.State == EntityState.Modified)
                {
                    days.Add(CaseMetricRollups.DayOf(entry.Property(c => c.OpenedAt).OriginalValue));
                }
            }
        }

        if (days is not null)
        {
            MetricDirtyDays.AddRange(days.Select(day => new CaseMetricDirtyDay { Day = day }));
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var c = modelBuilder.Entity<Case>();
        c.ToTable("cases");
        c.HasKey(x => x.Id);
        c.Property(x => x.Id).ValueGeneratedOnAdd();
        c.Property(x => x.Status).HasConversion<int>();
        // Every write moves RowVersion; Version (the ETag) moves only when people's decisions are affected (decision 258).
        c.Property(x => x.RowVersion).IsConcurrencyToken();
        c.Property(x => x.WatchId).HasMaxLength(200);
        c.Property(x => x.Category).HasMaxLength(100);
        c.Property(x => x.Source).HasMaxLength(200);
        c.Ignore(x => x.ETag);
        c.Ignore(x => x.IsPaused);
        // The queue: open cases by priority, then the earliest running SLA due time.
        c.HasIndex(x => new { x.IsOpen, x.Priority, x.DueKey, x.Id });
        c.HasIndex(x => new { x.Status, x.Priority, x.DueKey, x.Id });
        // The open queue "due soonest" (CaseOrder.Due): walked in order from its keyset cursor, stopping at a page.
        c.HasIndex(x => new { x.IsOpen, x.DueKey, x.Priority, x.Id });
        // Intake's candidates by author (CaseLookups) and the cases waiting on a batch's authors (a customer's reply):
        // both ask by author key first. Led by the watch, as it was, it served neither and both scanned every case.
        c.HasIndex(x => new { x.AuthorKey, x.Status });
        c.HasIndex(x => new { x.Owner, x.IsOpen });
        c.HasIndex(x => new { x.Team, x.IsOpen });
        // The queue across every status (filters by priority, text): walks this in queue order and stops at a page.
        c.HasIndex(x => new { x.Priority, x.DueKey, x.Id });
        // Metrics read tens of thousands of cases per period: these cover every column they read,
        // so SQLite scans an index instead of looking up each row (measured 250 ms → 35 ms for 33k cases).
        c.HasIndex(x => new
        {
            x.OpenedAt, x.MergedIntoId, x.Status, x.IsOpen, x.FirstResponseWorking, x.ResolutionWorking, x.ResolvedAt,
            x.FirstResponseBreached, x.ResolutionBreached, x.DueKey, x.ReopenCount, x.Satisfaction, x.Category, x.Team, x.Owner, x.WatchId,
        }).HasDatabaseName("IX_cases_metrics_period");
        c.HasIndex(x => new { x.IsOpen, x.FirstResponseBreached, x.ResolutionBreached, x.DueKey, x.Category, x.Team, x.Owner, x.WatchId })
            .HasDatabaseName("IX_cases_metrics_backlog");
        c.HasIndex(x => x.ClockStartedAt);
        c.HasIndex(x => x.AlertId);

        var m = modelBuilder.Entity<CaseMention>();
        m.ToTable("case_mentions");
        m.HasKey(x => x.Id);
        // A mention is on at most one case: re-delivery and races cannot attach it twice.
        m.HasIndex(x => x.MentionId).IsUnique();
        m.HasIndex(x => x.CaseId);
        m.HasIndex(x => x.ThreadKey);
        if (!Database.IsSqlite())
        {
            // On SQLite intake finds near-duplicates in memory (CaseBands, decision 194); elsewhere by these.
            m.HasIndex(x => x.Band0);
            m.HasIndex(x => x.Band1);
            m.HasIndex(x => x.Band2);
            m.HasIndex(x => x.Band3);
        }

        m.Property(x => x.MentionId).HasMaxLength(64);

        var n = modelBuilder.Entity<CaseNote>();
        n.ToTable("case_notes");
        n.HasKey(x => x.Id);
        n.HasIndex(x => x.CaseId);

        var r = modelBuilder.Entity<CustomerReply>();
        r.ToTable("case_replies");
        r.HasKey(x => x.Id);
        r.HasIndex(x => x.CaseId);

        var a = modelBuilder.Entity<CaseAuditEntry>();
        a.ToTable("case_audit");
        a.HasKey(x => x.Id);
        a.HasIndex(x => new { x.CaseId, x.Id });

        var f = modelBuilder.Entity<CaseFollowUp>();
        f.ToTable("case_follow_ups");
        f.HasKey(x => x.Id);
        f.HasIndex(x => new { x.CaseId, x.Cycle }).IsUnique();
        f.HasIndex(x => new { x.DoneAt, x.DueAt });

        var s = modelBuilder.Entity<CaseSlaSignal>();
        s.ToTable("case_sla_signals");
        s.HasKey(x => x.Id);
        s.HasIndex(x => new { x.CaseId, x.Clock, x.Kind, x.Cycle }).IsUnique();
        s.HasIndex(x => x.DedupKey).IsUnique();
        s.HasIndex(x => x.NotifiedAt);

        var l = modelBuilder.Entity<CaseAlertLink>();
        l.ToTable("case_alert_links");
        l.HasKey(x => new { x.CaseId, x.AlertId });
        l.HasIndex(x => x.AlertId);

        var cursor = modelBuilder.Entity<AssignmentCursor>();
        cursor.ToTable("case_assignment_cursors");
        cursor.HasKey(x => x.Team);

        var rollup = modelBuilder.Entity<CaseMetricRollup>();
        rollup.ToTable("case_metric_rollups");
        rollup.HasKey(x => new { x.Kind, x.Day });
        rollup.Property(x => x.Kind).HasMaxLength(16);

        var dirty = modelBuilder.Entity<CaseMetricDirtyDay>();
        dirty.ToTable("case_metric_dirty_days");
        dirty.HasKey(x => x.Id);
        dirty.Property(x => x.Id).ValueGeneratedOnAdd();
        dirty.HasIndex(x => x.Day);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks (as the ledger does).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        // Durations are summed and compared by the metrics: ticks, not text.
        configurationBuilder.Properties<TimeSpan>().HaveConversion<TimeSpanToTicksConverter>();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the host.</summary>
public sealed class CasesDbContextDesignFactory : IDesignTimeDbContextFactory<CasesDbContext>
{
    public CasesDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CasesDbContext>();
        StorageRegistration.ConfigureSqlite<CasesDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new CasesDbContext(options.Options);
    }
}
