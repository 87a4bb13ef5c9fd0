using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SentimentWatch.Storage;

namespace SentimentWatch.Scoring.Corrections;

/// <summary>Scoring's table in the state store: analysts' label corrections (decision 160), with its own migrations history.</summary>
public sealed class LabelCorrectionsDbContext(DbContextOptions<LabelCorrectionsDbContext> options) : DbContext(options)
{
    public DbSet<LabelCorrectionRecord> Corrections => Set<LabelCorrectionRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var correction = modelBuilder.Entity<LabelCorrectionRecord>();
        correction.ToTable("label_corrections");
        correction.HasKey(c => c.Id);
        correction.Property(c => c.Id).ValueGeneratedOnAdd();
        correction.HasIndex(c => new { c.MentionId, c.Id });
        correction.HasIndex(c => c.At);
        correction.Property(c => c.MentionId).HasMaxLength(64);
        correction.Property(c => c.Language).HasMaxLength(16);
        correction.Property(c => c.Source).HasMaxLength(Core.Mentions.MentionContract.MaxSourceLength);
        correction.Property(c => c.OldSentiment).HasMaxLength(16);
        correction.Property(c => c.NewSentiment).HasMaxLength(16);
        correction.Property(c => c.ModelSentiment).HasMaxLength(16);
        correction.Property(c => c.OldTopic).HasMaxLength(100);
        correction.Property(c => c.NewTopic).HasMaxLength(100);
        correction.Property(c => c.ModelTopic).HasMaxLength(100);
        correction.Property(c => c.ModelVersion).HasMaxLength(300);
        correction.Property(c => c.Note).HasMaxLength(LabelCorrections.MaxNoteLength);
        correction.Property(c => c.By).HasMaxLength(200);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks (as the ledger does).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the host.</summary>
public sealed class LabelCorrectionsDbContextDesignFactory : IDesignTimeDbContextFactory<LabelCorrectionsDbContext>
{
    public LabelCorrectionsDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<LabelCorrectionsDbContext>();
        StorageRegistration.ConfigureSqlite<LabelCorrectionsDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new LabelCorrectionsDbContext(options.Options);
    }
}
