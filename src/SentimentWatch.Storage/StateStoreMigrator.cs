using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Storage;

/// <summary>
/// Creates the data directory and applies every context's migrations before anything else
/// starts (it is registered first, and <see cref="IHostedLifecycleService.StartingAsync"/>
/// runs before other services' StartAsync).
/// </summary>
public sealed class StateStoreMigrator(
    IEnumerable<IStateSchema> schemas,
    IOptions<StorageOptions> options,
    ILogger<StateStoreMigrator> logger) : IHostedLifecycleService, IDisposable
{
    private FileStream? _directoryLock;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        LockDataDirectory();
        try
        {
            await PrepareAsync(schemas, options.Value, cancellationToken, logger);
        }
        catch (NpgsqlException ex) when (options.Value.Provider == StateStoreProvider.PostgreSql)
        {
            // Unreachable server, wrong password, missing database, no right to create tables.
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                $"{StorageOptions.SectionName}:ConnectionString", Describe(options.Value),
                $"does not lead to a usable PostgreSQL database ({ex.Message})",
                "check the host, port, database and user (the password goes in the environment variable Storage__ConnectionString), and that the user may create tables in that database",
                ex);
        }
        catch (SqliteException ex)
        {
            // "file is not a database", "unable to open", "readonly database": the operator's to fix.
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                $"{StorageOptions.SectionName}:DataDirectory", options.Value.DataDirectory,
                $"holds a state database that cannot be used ({options.Value.StateDatabasePath}: {ex.Message})",
                "restore state.db from a backup or move it aside to start empty, and make the folder writable for the service's user",
                ex);
        }

        logger.LogInformation("State store ready at {StatePath}", Describe(options.Value));
    }

    /// <summary>Where the state lives, for logs and faults: never the password.</summary>
    public static string Describe(StorageOptions storage)
    {
        if (storage.Provider != StateStoreProvider.PostgreSql)
        {
            return storage.StateDatabasePath;
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
            return $"postgresql://{connection.Host}:{connection.Port}/{connection.Database}";
        }
        catch (ArgumentException)
        {
            return "postgresql (connection string unreadable)";
        }
    }

    /// <summary>Also used by CLI verbs that touch the state store without the full host.</summary>
    public static async Task PrepareAsync(IEnumerable<IStateSchema> schemas, StorageOptions storage, CancellationToken cancellationToken, ILogger? logger = null)
    {
        StorageOptions.CreateDataDirectory(storage.ResolveDataDirectory());
        if (storage.Provider == StateStoreProvider.PostgreSql)
        {
            await MigratePostgreSqlAsync(schemas, storage, cancellationToken);
            return;
        }

        var marker = MigrationMarkerPath(storage.StateDatabasePath);
        if (File.Exists(marker))
        {
            UndoInterruptedMigration(storage.StateDatabasePath, marker, logger);
        }

        // WAL lets readers (the API) run while the pipeline writes, and survives a hard kill. It is stored in the file; the
        // other pragmas are per connection: synchronous stays SQLite's FULL (an intake 202 follows an fsynced commit,
        // decision 113) and the busy timeout is set where connections open (decision 221).
        await using (var connection = new SqliteConnection($"Data Source={storage.StateDatabasePath}"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await MigrateSqliteAsync(schemas.ToList(), storage.StateDatabasePath, logger, cancellationToken);
    }

    /// <summary>
    /// SQLite migrations that a kill can interrupt (a table rebuild runs part of its work outside the transaction) never leave a
    /// half-migrated database behind (decision 237): before migrating, a marker file names what to go back to (nothing for a new
    /// database; for an upgrade, a consistent copy taken with <c>VACUUM INTO</c>). The marker goes once every context is
    /// migrated; found at a start, the interrupted attempt is undone first and the migrations run again.
    /// </summary>
    private static async Task MigrateSqliteAsync(IReadOnlyList<IStateSchema> schemas, string path, ILogger? logger, CancellationToken cancellationToken)
    {
        var marker = MigrationMarkerPath(path);
        var applied = 0;
        var pending = new List<string>();
        foreach (var schema in schemas)
        {
            var status = await schema.StatusAsync(cancellationToken);
            applied += status.Applied;
            pending.AddRange(status.Pending);
        }

        if (pending.Count == 0)
        {
            return;
        }

        var backup = string.Empty;
        if (applied > 0)
        {
            backup = UpgradeBackupPath(path);
            File.Delete(backup);
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "VACUUM INTO $backup";
                command.Parameters.AddWithValue("$backup", backup);
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            logger?.LogInformation(
                "Upgrading the state store, applying {Pending}; the database as it was is saved at {Backup}",
                string.Join(", ", pending), backup);
        }

        await using (var stream = new FileStream(marker, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(backup);
            await stream.WriteAsync(bytes, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        foreach (var schema in schemas)
        {
            await schema.MigrateAsync(cancellationToken);
        }

        File.Delete(marker);
    }

    public static string MigrationMarkerPath(string databasePath) => databasePath + ".migrating";

    public static string UpgradeBackupPath(string databasePath) => databasePath + ".before-upgrade";

    /// <summary>
    /// The last start stopped inside its migrations. A new database held nothing yet and is removed; an upgraded one is set
    /// aside (<c>state.db.interrupted-…</c>, for whoever wants to look) and the copy taken before the upgrade put back.
    /// </summary>
    private static void UndoInterruptedMigration(string path, string marker, ILogger? logger)
    {
        SqliteConnection.ClearAllPools();
        var backup = File.ReadAllText(marker).Trim();
        if (backup.Length == 0)
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            logger?.LogWarning("The state store's creation was interrupted at the last start; {StatePath} is created again", path);
        }
        else if (File.Exists(backup))
        {
            var aside = $"{path}.interrupted-{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (File.Exists(path))
            {
                File.Move(path, aside);
            }

            // The half-upgraded file's log goes with it (what it committed last is there), the shared-memory index is rebuilt.
            if (File.Exists(path + "-wal"))
            {
                File.Move(path + "-wal", aside + "-wal");
            }

            File.Delete(path + "-shm");
            File.Copy(backup, path);
            logger?.LogWarning(
                "The state store's upgrade was interrupted at the last start; {StatePath} is put back from {Backup} (the half-upgraded file is kept as {Aside}) and upgraded again",
                path, backup, aside);
        }
        else
        {
            throw new SqliteException(
                $"an upgrade was interrupted at the last start and the copy taken before it ({backup}) is missing; restore state.db from a backup, then delete {marker}",
                1);
        }

        File.Delete(marker);
    }

    /// <summary>
    /// Several workers start at once against one database: whoever takes the advisory lock first
    /// migrates every context, the others wait for it and then find nothing left to apply
    /// (decision 141). The lock is the session's, so a worker killed mid-migration releases it.
    /// </summary>
    private static async Task MigratePostgreSqlAsync(IEnumerable<IStateSchema> schemas, StorageOptions storage, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", MigrationLockKey);
            take.CommandTimeout = 0;
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            foreach (var schema in schemas)
            {
                await schema.MigrateAsync(cancellationToken);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The advisory lock every worker takes around migrations ("SWMIGRAT" as a number).</summary>
    public const long MigrationLockKey = 0x53574D4947524154;

    /// <summary>
    /// One service per data directory: a second one (another port, same folder) would write the
    /// same SQLite file and Lucene index, and Lucene's own lock does not stop it on Linux. The
    /// lock is the OS's (released when the process ends, even when killed), on a file beside state.db.
    /// </summary>
    private void LockDataDirectory()
    {
        var directory = StorageOptions.CreateDataDirectory(options.Value.ResolveDataDirectory());
        try
        {
            _directoryLock = new FileStream(Path.Combine(directory, "service.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                $"{StorageOptions.SectionName}:DataDirectory", options.Value.DataDirectory,
                $"is in use by another SentimentWatch service ({directory}/service.lock is held)",
                "stop that service first, or give this one its own data directory",
                ex);
        }
    }

    public void Dispose() => _directoryLock?.Dispose();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
