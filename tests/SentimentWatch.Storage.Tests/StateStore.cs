using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Alerting;
using SentimentWatch.Cases;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Crawling.State;
using SentimentWatch.Storage.Mentions;
using SentimentWatch.Testing;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Storage.Tests;

/// <summary>
/// A state store on one provider, wired as the host wires it (AddStateDbContext for every
/// context, the ledger, the migrator's PrepareAsync): a SQLite file in a temporary folder, or a
/// database of its own on the real PostgreSQL server.
/// </summary>
public sealed class StateStore : IAsyncDisposable
{
    private readonly PostgresTestDatabase? _database;

    private StateStore(StorageOptions options, PostgresTestDatabase? database)
    {
        Options = options;
        _database = database;
    }

    public StorageOptions Options { get; }

    public static async Task<StateStore> CreateAsync(StateStoreProvider provider, string purpose)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sw-state-" + Guid.NewGuid().ToString("N"));
        if (provider == StateStoreProvider.Sqlite)
        {
            return new StateStore(new StorageOptions { DataDirectory = directory }, null);
        }

        var database = await PostgresTestServer.CreateDatabaseAsync(purpose);
        return new StateStore(new StorageOptions { DataDirectory = directory, Provider = StateStoreProvider.PostgreSql, ConnectionString = database.ConnectionString }, database);
    }

    /// <summary>One process's services over this store (call twice for two "workers").</summary>
    public ServiceProvider Services(TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOptions<StorageOptions>>(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<PipelineMetrics>();
        services.AddStateDbContext<MentionLedgerDbContext>();
        services.AddStateDbContext<CrawlStateDbContext>();
        services.AddStateDbContext<AlertingDbContext>();
        services.AddStateDbContext<CasesDbContext>();
        services.AddStateDbContext<ConsoleIdentityDbContext>();
        services.AddStateDbContext<LabelCorrectionsDbContext>();
        services.AddSingleton<MentionLedger>();
        return services.BuildServiceProvider();
    }

    public static Task MigrateAsync(IServiceProvider services) =>
        StateStoreMigrator.PrepareAsync(services.GetServices<IStateSchema>(), services.GetRequiredService<IOptions<StorageOptions>>().Value, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Options.DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // PostgreSQL stores wrote nothing there.
        }
    }
}

/// <summary>A clock the test moves by hand (for leases).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
