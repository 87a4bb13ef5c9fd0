using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SentimentWatch.Storage;

namespace SentimentWatch.Crawling.State;

/// <summary>The crawler's own tables in the state database: cursors, validators and health.</summary>
public sealed class CrawlStateDbContext(DbContextOptions<CrawlStateDbContext> options) : DbContext(options)
{
    public DbSet<PageValidatorRecord> PageValidators => Set<PageValidatorRecord>();
    public DbSet<SeenItemRecord> SeenItems => Set<SeenItemRecord>();
    public DbSet<SourceHealthRecord> SourceHealth => Set<SourceHealthRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var validator = modelBuilder.Entity<PageValidatorRecord>();
        validator.ToTable("crawl_page_validators");
        validator.HasKey(v => new { v.SourceId, v.Url });

        var seen = modelBuilder.Entity<SeenItemRecord>();
        seen.ToTable("crawl_seen_items");
        seen.HasKey(s => new { s.SourceId, s.ItemKey });
        seen.HasIndex(s => new { s.SourceId, s.SeenAt });

        var health = modelBuilder.Entity<SourceHealthRecord>();
        health.ToTable("crawl_source_health");
        health.HasKey(h => h.SourceId);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>ETag / Last-Modified of one URL as one source last saw it.</summary>
public sealed class PageValidatorRecord
{
    public string SourceId { get; set; } = string.Empty;
    public string Url { get; set; } = string.Empty;
    public string? ETag { get; set; }
    public string? LastModified { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An item (mention id) a source has already handed to the pipeline: the incremental cursor.</summary>
public sealed class SeenItemRecord
{
    public string SourceId { get; set; } = string.Empty;
    public string ItemKey { get; set; } = string.Empty;
    public DateTimeOffset SeenAt { get; set; }
}

public sealed class SourceHealthRecord
{
    public string SourceId { get; set; } = string.Empty;
    public DateTimeOffset? LastRunAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public DateTimeOffset? LastMentionAt { get; set; }
    public int LastItemsFound { get; set; }
    public long TotalItemsFound { get; set; }
    public long PagesFetched { get; set; }
    public long NotModified { get; set; }
    public int ConsecutiveFailures { get; set; }
    public string? LastError { get; set; }

    /// <summary>JSON object of error kind to count.</summary>
    public string ErrorsByKind { get; set; } = "{}";
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without the host.</summary>
public sealed class CrawlStateDbContextDesignFactory : IDesignTimeDbContextFactory<CrawlStateDbContext>
{
    public CrawlStateDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CrawlStateDbContext>();
        StorageRegistration.ConfigureSqlite<CrawlStateDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new CrawlStateDbContext(options.Options);
    }
}
