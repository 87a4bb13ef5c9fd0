using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting;

namespace SentimentWatch.Storage.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TempFilesCollection
{
    public const string Name = "temp files of this process";
}

/// <summary>
/// Decision 231: the state store's SQLite connections keep the statement journal in memory. A statement that may fail
/// half-way inside a larger transaction journals the pages it changes; on a plain connection, past 64 KiB SQLite moves
/// that journal to a deleted temporary file (<c>etilqs_…</c>) and writes to it for the rest of the transaction. Against a
/// real SQLite file; the temporary file is seen among this process's open descriptors before the transaction ends (no other test runs
/// meanwhile).
/// </summary>
[Collection(TempFilesCollection.Name)]
public sealed class SqliteStatementJournalTests
{
    [Fact]
    public async Task A_statement_that_changes_many_pages_journals_them_in_memory_on_a_state_store_connection_where_a_plain_one_spills_to_a_file()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "journal");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        await using (var plain = new SqliteConnection($"Data Source={store.Options.StateDatabasePath};Pooling=False"))
        {
            plain.Open();
            Execute(plain, null, "CREATE TABLE journal_probe (k TEXT NOT NULL PRIMARY KEY, v TEXT NOT NULL)");
            Execute(plain, null, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO journal_probe SELECT hex(randomblob(10)), hex(randomblob(40)) FROM n");
            TempFilesDuringManyPagesInOneStatement(plain).ShouldBe(1, "the control: SQLite's default spills the journal to a file");
        }

        await using var db = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        // Opened through EF Core, as the service opens it: the state store's interceptor sets the pragmas on every open.
        SqliteConnection.ClearAllPools();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        (await db.Database.SqlQueryRaw<long>("PRAGMA temp_store").ToListAsync()).ShouldBe([2L], "MEMORY");
        TempFilesDuringManyPagesInOneStatement(connection).ShouldBe(0);
    }

    /// <summary>
    /// In one transaction: a first change (so the next statement may need undoing alone), then one update of every row;
    /// the temporary files this process holds open before the transaction ends (the journal's file lives as long as it).
    /// </summary>
    private static int TempFilesDuringManyPagesInOneStatement(DbConnection connection)
    {
        var before = TempFiles();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "INSERT INTO journal_probe VALUES (hex(randomblob(10)), 'x')");
        Execute(connection, transaction, "UPDATE journal_probe SET v = v || 'y'");
        var opened = TempFiles().Except(before).Count();
        transaction.Commit();
        return opened;
    }

    private static HashSet<string> TempFiles()
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.Contains("etilqs_", StringComparison.Ordinal))
                {
                    found.Add(target);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
