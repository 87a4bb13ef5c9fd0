using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using SentimentWatch.Alerting;
using SentimentWatch.Cases;
using SentimentWatch.Crawling.State;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Storage.Mentions;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Storage.PostgreSql;

/// <summary>
/// Lets <c>dotnet ef migrations add … -p/-s src/SentimentWatch.Storage.PostgreSql</c> build each
/// context on Npgsql without the host (the capabilities' own factories build them on SQLite).
/// Generating a migration never connects, so the connection string is a placeholder.
/// </summary>
public abstract class PostgreSqlDesignFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    private static readonly StorageOptions Design = new()
    {
        Provider = StateStoreProvider.PostgreSql,
        ConnectionString = "Host=localhost;Database=sentimentwatch_design",
    };

    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>();
        StorageRegistration.ConfigurePostgreSql<TContext>(options, Design);
        return (TContext)Activator.CreateInstance(typeof(TContext), options.Options)!;
    }
}

public sealed class MentionLedgerPostgreSqlDesignFactory : PostgreSqlDesignFactory<MentionLedgerDbContext>;

public sealed class CrawlStatePostgreSqlDesignFactory : PostgreSqlDesignFactory<CrawlStateDbContext>;

public sealed class AlertingPostgreSqlDesignFactory : PostgreSqlDesignFactory<AlertingDbContext>;

public sealed class CasesPostgreSqlDesignFactory : PostgreSqlDesignFactory<CasesDbContext>;

public sealed class ConsoleIdentityPostgreSqlDesignFactory : PostgreSqlDesignFactory<ConsoleIdentityDbContext>;

public sealed class LabelCorrectionsPostgreSqlDesignFactory : PostgreSqlDesignFactory<LabelCorrectionsDbContext>;
