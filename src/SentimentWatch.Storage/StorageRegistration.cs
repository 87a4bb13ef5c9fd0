using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The state store: options, the data directory, the mention ledger, and migrations applied
    /// at start-up for every registered context.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        builder.Services.AddStateDbContext<MentionLedgerDbContext>();
        builder.Services.TryAddSingleton<PipelineMetrics>();
        builder.Services.AddSingleton<MentionLedger>();
        builder.Services.AddSingleton<IMentionIntake>(sp => sp.GetRequiredService<MentionLedger>());
        builder.Services.AddHostedService<StateStoreMigrator>();
        builder.Services.AddHostedService<StateStoreCheckpointer>();
        return builder;
    }

    /// <summary>
    /// Registers a capability's own DbContext on the shared state database. Each context keeps
    /// its own migrations history table, so capabilities own their tables and migrate
    /// independently, and the migrator applies them all at start-up.
    /// </summary>
    public static IServiceCollection AddStateDbContext<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddDbContextFactory<TContext>((sp, options) =>
            ConfigureStateStore<TContext>(options, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStateSchema, StateSchema<TContext>>());
        return services;
    }

    /// <summary>
    /// The one place that decides the database behind every context (decision 140): SQLite by
    /// default, PostgreSQL when <see cref="StorageOptions.Provider"/> says so. Capabilities never
    /// see the difference.
    /// </summary>
    public static DbContextOptionsBuilder ConfigureStateStore<TContext>(DbContextOptionsBuilder options, StorageOptions storage)
        where TContext : DbContext =>
        storage.Provider == StateStoreProvider.PostgreSql
            ? ConfigurePostgreSql<TContext>(options, storage)
            : ConfigureSqlite<TContext>(options, storage);

    public static DbContextOptionsBuilder ConfigureSqlite<TContext>(DbContextOptionsBuilder options, StorageOptions storage)
        where TContext : DbContext
    {
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = storage.StateDatabasePath,
            Pooling = true,
            DefaultTimeout = (int)storage.BusyTimeout.TotalSeconds,
        }.ToString();
        return options
            .UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable(HistoryTableFor<TContext>()))
            .AddInterceptors(new SqliteBusyTimeout(storage.BusyTimeout))
            // A SQLite table rebuild runs PRAGMA foreign_keys outside the migration's transaction, and EF Core warns on every
            // start that a kill there leaves the database half migrated. The migrator guards exactly that (a backup and a
            // marker, restored at the next start: decision 237), so the warning would only alarm the operator.
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning));
    }

    /// <summary>
    /// PostgreSQL: the same model, its migrations from <see cref="PostgreSqlMigrationsAssembly"/>
    /// (one migrations set per provider, decision 141), each context with its own history table.
    /// </summary>
    public static DbContextOptionsBuilder ConfigurePostgreSql<TContext>(DbContextOptionsBuilder options, StorageOptions storage)
        where TContext : DbContext =>
        options.UseNpgsql(storage.ConnectionString, npgsql => npgsql
            .MigrationsHistoryTable(HistoryTableFor<TContext>())
            .MigrationsAssembly(PostgreSqlMigrationsAssembly));

    /// <summary>Holds every context's PostgreSQL migrations; the host references it so it ships beside it.</summary>
    public const string PostgreSqlMigrationsAssembly = "SentimentWatch.Storage.PostgreSql";

    public static string HistoryTableFor<TContext>() => "__migrations_" + typeof(TContext).Name.Replace("DbContext", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}

/// <summary>A context whose migrations the start-up migrator applies.</summary>
public interface IStateSchema
{
    string Name { get; }

    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>How many of the context's migrations the database holds, and which it still lacks.</summary>
    Task<StateSchemaStatus> StatusAsync(CancellationToken cancellationToken);
}

public sealed record StateSchemaStatus(int Applied, IReadOnlyList<string> Pending);

internal sealed class StateSchema<TContext>(IDbContextFactory<TContext> factory) : IStateSchema
    where TContext : DbContext
{
    public string Name => typeof(TContext).Name;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public async Task<StateSchemaStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var applied = await db.Database.GetAppliedMigrationsAsync(cancellationToken);
        var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
        return new StateSchemaStatus(applied.Count(), pending.ToList());
    }
}
