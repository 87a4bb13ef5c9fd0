using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Storage.Tests;

/// <summary>
/// Decision 221: every state-store connection on SQLite carries SQLite's own busy handler (<c>PRAGMA busy_timeout</c> =
/// <c>Storage:BusyTimeout</c>), so a writer that finds the database locked waits inside SQLite instead of
/// Microsoft.Data.Sqlite's 150 ms sleeps. Against a real SQLite file, with a second connection holding the write lock.
/// </summary>
public sealed class SqliteBusyTimeoutTests
{
    [Fact]
    public async Task Every_context_connection_has_the_configured_busy_timeout_whether_opened_for_a_query_or_a_transaction()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "busy");
        store.Options.BusyTimeout = TimeSpan.FromSeconds(7);
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        await using (var ledger = await services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync())
        {
            (await ledger.Database.SqlQueryRaw<long>("PRAGMA busy_timeout").ToListAsync()).ShouldBe([7000L], "opened asynchronously for a query");
            (await ledger.Database.SqlQueryRaw<long>("PRAGMA synchronous").ToListAsync()).ShouldBe([2L], "FULL: an intake 202 follows an fsynced commit (decision 113)");
        }

        await using var alerting = services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContext();
        using var transaction = alerting.Database.BeginTransaction();
        alerting.Database.SqlQueryRaw<long>("PRAGMA busy_timeout").ToList().ShouldBe([7000L], "opened synchronously for a transaction");

        // A connection opened without the state store's configuration has SQLite's default: no busy handler at all.
        await using var plain = new SqliteConnection($"Data Source={store.Options.StateDatabasePath}");
        plain.Open();
        await using var query = plain.CreateCommand();
        query.CommandText = "PRAGMA busy_timeout";
        ((long)query.ExecuteScalar()!).ShouldBe(0L);
    }

    [Fact]
    public async Task A_write_waits_inside_SQLite_for_another_writers_lock_and_lands_once_it_is_released()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "busy");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        await using var holder = new SqliteConnection($"Data Source={store.Options.StateDatabasePath};Pooling=False");
        holder.Open();
        var held = holder.BeginTransaction(deferred: false);

        await using var db = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        var write = Task.Run(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE busy_probe (x INTEGER)");
            await tx.CommitAsync();
        });

        await Task.Delay(300);
        write.IsCompleted.ShouldBeFalse("the other connection holds the write lock");
        held.Commit();
        await write.WaitAsync(TimeSpan.FromSeconds(10));

        await using var check = holder.CreateCommand();
        check.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'busy_probe'";
        ((long)check.ExecuteScalar()!).ShouldBe(1L);
    }
}
