using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Storage;

namespace SentimentWatch.Alerting;

/// <summary>Alerting's tables in the state store: evidence, alerts, silences and the notification outbox.</summary>
public sealed class AlertingDbContext(DbContextOptions<AlertingDbContext> options) : DbContext(options)
{
    public DbSet<MentionEvidence> Evidence => Set<MentionEvidence>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertSilence> Silences => Set<AlertSilence>();
    public DbSet<OutboxNotification> Outbox => Set<OutboxNotification>();
    public DbSet<AlertTimelineEntry> Timeline => Set<AlertTimelineEntry>();
    public DbSet<AlertMention> AlertMentions => Set<AlertMention>();
    public DbSet<StaffNoticeRecord> StaffNotices => Set<StaffNoticeRecord>();
    public DbSet<EvidenceHistory> History => Set<EvidenceHistory>();
    public DbSet<ResponseStep> Steps => Set<ResponseStep>();
    public DbSet<StepReminder> StepReminders => Set<StepReminder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var evidence = modelBuilder.Entity<MentionEvidence>();
        evidence.ToTable("alert_evidence");
        evidence.HasKey(e => new { e.WatchId, e.MentionId });
        evidence.HasIndex(e => new { e.WatchId, e.At });
        evidence.HasIndex(e => e.At);
        evidence.Property(e => e.WatchId).HasMaxLength(200);
        evidence.Property(e => e.MentionId).HasMaxLength(64);
        evidence.Property(e => e.Sentiment).HasConversion<int?>();
        evidence.Ignore(e => e.IsNegative);
        evidence.Ignore(e => e.RiskTermList);
        evidence.Ignore(e => e.TextDropped);

        var alert = modelBuilder.Entity<Alert>();
        alert.ToTable("alerts");
        alert.HasKey(a => a.Id);
        alert.Property(a => a.Id).ValueGeneratedOnAdd();
        // One open alert per incident: the database enforces it even if two evaluators race.
        alert.HasIndex(a => a.IncidentKey).IsUnique().HasFilter("\"Status\" <> 2");
        alert.HasIndex(a => new { a.Status, a.Id });
        alert.HasIndex(a => new { a.WatchId, a.Status });
        alert.HasIndex(a => new { a.WatchId, a.HeldUntilClear });
        alert.Property(a => a.Status).HasConversion<int>();
        alert.Property(a => a.Severity).HasConversion<int>();
        alert.Property(a => a.NotifiedSeverity).HasConversion<int>();
        alert.Property(a => a.PlannedSeverity).HasConversion<int?>();
        alert.Ignore(a => a.NeedsPlan);
        alert.Property(a => a.Kind).HasConversion<int>();
        alert.Ignore(a => a.IsOpen);
        alert.Ignore(a => a.TopTerms);
        alert.Ignore(a => a.Samples);
        alert.Ignore(a => a.ActiveSignals);
        alert.Ignore(a => a.Reading);
        alert.HasMany(a => a.Signals).WithOne().HasForeignKey(s => s.AlertId).OnDelete(DeleteBehavior.Cascade);
        alert.HasMany(a => a.Timeline).WithOne().HasForeignKey(t => t.AlertId).OnDelete(DeleteBehavior.Cascade);
        alert.HasMany(a => a.Steps).WithOne().HasForeignKey(s => s.AlertId).OnDelete(DeleteBehavior.Cascade);

        var signal = modelBuilder.Entity<AlertSignal>();
        signal.ToTable("alert_signals");
        signal.HasKey(s => s.Id);
        signal.HasIndex(s => new { s.AlertId, s.SignalKey });
        signal.Property(s => s.SignalKey).HasMaxLength(300);
        signal.Property(s => s.Kind).HasConversion<int>();
        signal.Property(s => s.Severity).HasConversion<int>();
        signal.Property(s => s.PeakSeverity).HasConversion<int>();

        var silence = modelBuilder.Entity<AlertSilence>();
        silence.ToTable("alert_silences");
        silence.HasKey(s => s.Id);
        silence.HasIndex(s => s.Until);

        var outbox = modelBuilder.Entity<OutboxNotification>();
        outbox.ToTable("alert_outbox");
        outbox.HasKey(o => o.Id);
        outbox.HasIndex(o => o.IdempotencyKey).IsUnique();
        outbox.HasIndex(o => new { o.DeliveredAt, o.EnqueuedAt });
        outbox.HasIndex(o => o.AlertId);
        outbox.Property(o => o.Kind).HasConversion<int>();

        var timeline = modelBuilder.Entity<AlertTimelineEntry>();
        timeline.ToTable("alert_timeline");
        timeline.HasKey(t => t.Id);
        timeline.HasIndex(t => new { t.AlertId, t.Id });
        timeline.Property(t => t.Actor).HasMaxLength(200);
        timeline.Property(t => t.Kind).HasMaxLength(40);

        var mentions = modelBuilder.Entity<AlertMention>();
        mentions.ToTable("alert_mentions");
        mentions.HasKey(m => new { m.AlertId, m.MentionId });
        mentions.HasIndex(m => m.MentionId);
        mentions.Property(m => m.MentionId).HasMaxLength(64);

        var history = modelBuilder.Entity<EvidenceHistory>();
        history.ToTable("alert_evidence_history");
        history.HasKey(h => new { h.WatchId, h.Scope });
        history.Property(h => h.WatchId).HasMaxLength(200);
        history.Property(h => h.Scope).HasMaxLength(300);
        history.Property(h => h.Earliest).HasMaxLength(EvidenceHistory.EarliestMaxLength);
        history.Ignore(h => h.Start);

        // The response plan: one row per incident and step id, whoever (desk, two evaluators) adds it.
        var step = modelBuilder.Entity<ResponseStep>();
        step.ToTable("alert_steps");
        step.HasKey(s => s.Id);
        step.HasIndex(s => new { s.AlertId, s.StepId }).IsUnique();
        step.HasIndex(s => new { s.DoneAt, s.DueAt });
        step.Property(s => s.StepId).HasMaxLength(64);
        step.Property(s => s.PlaybookId).HasMaxLength(200);
        step.Property(s => s.Severity).HasConversion<int>();
        step.Property(s => s.Version).IsConcurrencyToken();
        step.Ignore(s => s.Checklist);
        step.Ignore(s => s.IsDone);

        var reminder = modelBuilder.Entity<StepReminder>();
        reminder.ToTable("alert_step_reminders");
        reminder.HasKey(r => r.Id);
        reminder.HasIndex(r => new { r.StepRowId, r.Cycle }).IsUnique();
        reminder.HasIndex(r => r.NotifiedAt);
        reminder.HasIndex(r => r.AlertId);
        reminder.Property(r => r.DedupKey).HasMaxLength(StaffNotifier.MaxDedupKeyLength);
        reminder.HasOne<ResponseStep>().WithMany().HasForeignKey(r => r.StepRowId).OnDelete(DeleteBehavior.Cascade);

        var notices = modelBuilder.Entity<StaffNoticeRecord>();
        notices.ToTable("staff_notices");
        notices.HasKey(n => n.Id);
        notices.HasIndex(n => n.DedupKey).IsUnique();
        notices.HasIndex(n => n.AlertId);
        notices.Property(n => n.DedupKey).HasMaxLength(StaffNotifier.MaxDedupKeyLength);
        notices.Ignore(n => n.RecipientList);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks (as the ledger does).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the host.</summary>
public sealed class AlertingDbContextDesignFactory : IDesignTimeDbContextFactory<AlertingDbContext>
{
    public AlertingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AlertingDbContext>();
        StorageRegistration.ConfigureSqlite<AlertingDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new AlertingDbContext(options.Options);
    }
}
