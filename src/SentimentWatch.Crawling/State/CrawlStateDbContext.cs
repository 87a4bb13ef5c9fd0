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
    public DbSet<ManagedSourceRecord> ManagedSources => Set<ManagedSourceRecord>();
    public DbSet<SourcePauseRecord> SourcePauses => Set<SourcePauseRecord>();
    public DbSet<SourceAuditRecord> SourceAudit => Set<SourceAuditRecord>();
    public DbSet<HotPostRecord> HotPosts => Set<HotPostRecord>();
    public DbSet<ThreadPositionRecord> ThreadPositions => Set<ThreadPositionRecord>();

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

        var managed = modelBuilder.Entity<ManagedSourceRecord>();
        managed.ToTable("crawl_managed_sources");
        managed.HasKey(m => m.SourceId);
        managed.Property(m => m.SourceId).HasMaxLength(200);
        managed.Property(m => m.CreatedBy).HasMaxLength(200);
        managed.Property(m => m.UpdatedBy).HasMaxLength(200);

        var pause = modelBuilder.Entity<SourcePauseRecord>();
        pause.ToTable("crawl_source_pauses");
        pause.HasKey(p => p.SourceId);
        pause.Property(p => p.SourceId).HasMaxLength(200);
        pause.Property(p => p.PausedBy).HasMaxLength(200);

        var audit = modelBuilder.Entity<SourceAuditRecord>();
        audit.ToTable("crawl_source_audit");
        audit.HasKey(a => a.Id);
        audit.HasIndex(a => new { a.SourceId, a.At });
        audit.Property(a => a.SourceId).HasMaxLength(200);
        audit.Property(a => a.Actor).HasMaxLength(200);
        audit.Property(a => a.Action).HasMaxLength(20);

        var hot = modelBuilder.Entity<HotPostRecord>();
        hot.ToTable("crawl_hot_posts");
        hot.HasKey(h => new { h.SourceId, h.MentionId });
        hot.HasIndex(h => new { h.SourceId, h.Growing, h.LastCheckedAt });
        hot.HasIndex(h => h.PublishedAt);

        var thread = modelBuilder.Entity<ThreadPositionRecord>();
        thread.ToTable("crawl_thread_positions");
        thread.HasKey(t => new { t.SourceId, t.ThreadUrl });
        thread.HasIndex(t => new { t.SourceId, t.UpdatedAt });
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

/// <summary>A source added over the admin API (decision 155): its definition as the API took it.</summary>
public sealed class ManagedSourceRecord
{
    public string SourceId { get; set; } = string.Empty;

    /// <summary>The <c>CrawlSource</c> as JSON; credentials only as <c>${env:…}</c> references.</summary>
    public string Definition { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = string.Empty;
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = string.Empty;
}

/// <summary>A paused source, configured or managed: its schedule holds until resumed.</summary>
public sealed class SourcePauseRecord
{
    public string SourceId { get; set; } = string.Empty;
    public DateTimeOffset PausedAt { get; set; }
    public string PausedBy { get; set; } = string.Empty;
}

/// <summary>One change to the sources over the API: who, when, what, and the definition after it.</summary>
public sealed class SourceAuditRecord
{
    public long Id { get; set; }
    public string SourceId { get; set; } = string.Empty;
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = string.Empty;

    /// <summary>created, updated, paused, resumed, deleted.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The definition after the change (credentials as references only); null for pause, resume and delete.</summary>
    public string? Definition { get; set; }
}

/// <summary>A recent post whose engagement the crawler follows (decision 156): the counts last seen and where to read them again.</summary>
public sealed class HotPostRecord
{
    public string SourceId { get; set; } = string.Empty;
    public string MentionId { get; set; } = string.Empty;

    /// <summary>The page the post was read from (a thread page, an API listing).</summary>
    public string PageUrl { get; set; } = string.Empty;

    /// <summary>The thread the page belongs to, for forums whose post ids count within a thread.</summary>
    public string? ThreadUrl { get; set; }

    public DateTimeOffset PublishedAt { get; set; }
    public long Reach { get; set; }
    public long Likes { get; set; }
    public long Replies { get; set; }
    public long Shares { get; set; }
    public DateTimeOffset LastCheckedAt { get; set; }

    /// <summary>Still worth reading again: new, or its counts grew at the last read.</summary>
    public bool Growing { get; set; } = true;

    public int Updates { get; set; }
}

/// <summary>Where the last run stopped in one paged thread of a source (decision 171); see <see cref="ThreadPosition"/>.</summary>
public sealed class ThreadPositionRecord
{
    public string SourceId { get; set; } = string.Empty;

    /// <summary>The thread's canonical URL (as its list page or the source's start URLs link it).</summary>
    public string ThreadUrl { get; set; } = string.Empty;

    public string LastPageUrl { get; set; } = string.Empty;
    public string? LastPostId { get; set; }
    public bool ReachedEnd { get; set; }
    public long Replies { get; set; }
    public string? OpenerMentionId { get; set; }
    public DateTimeOffset? OpenerPublishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
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
