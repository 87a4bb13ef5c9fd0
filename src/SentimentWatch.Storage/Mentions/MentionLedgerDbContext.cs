using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SentimentWatch.Storage.Mentions;

public sealed class MentionLedgerDbContext(DbContextOptions<MentionLedgerDbContext> options) : DbContext(options)
{
    public DbSet<MentionRecord> Mentions => Set<MentionRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var mention = modelBuilder.Entity<MentionRecord>();
        mention.ToTable("mentions");
        mention.HasKey(m => m.Sequence);
        mention.Property(m => m.Sequence).ValueGeneratedOnAdd();
        mention.HasIndex(m => m.Id).IsUnique();
        mention.HasIndex(m => new { m.State, m.Sequence });
        mention.HasIndex(m => m.ScoredBy);

        // No index on the SimHash bands: nothing queries the ledger by band (the near-duplicate index is in memory,
        // cases keep their own bands), and four indexes on random values were a third of a big ledger's insert cost
        // (decision 192).
        mention.Property(m => m.Id).HasMaxLength(64);
        mention.Property(m => m.Source).HasMaxLength(200);
        mention.Property(m => m.State).HasConversion<int>();
        mention.Property(m => m.LeaseOwner).HasMaxLength(200);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the host.</summary>
public sealed class MentionLedgerDbContextDesignFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<MentionLedgerDbContext>
{
    public MentionLedgerDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MentionLedgerDbContext>();
        StorageRegistration.ConfigureSqlite<MentionLedgerDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new MentionLedgerDbContext(options.Options);
    }
}
