using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting;

namespace SentimentWatch.Storage.Tests;

/// <summary>
/// SQLite migrations interrupted by a kill never leave a half-migrated state store (decision 237): an upgrade first saves the
/// database as it was, and a start that finds the migration marker undoes the interrupted attempt before migrating again.
/// Real SQLite files; the "kill" is the state a kill leaves on disk (the marker, the saved copy, a half-changed database).
/// </summary>
public sealed class StateStoreUpgradeTests
{
    [Fact]
    public async Task A_new_state_store_is_created_without_a_saved_copy_or_a_marker_left_behind()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "fresh");
        await using var services = store.Services();

        await StateStore.MigrateAsync(services);

        var path = store.Options.StateDatabasePath;
        File.Exists(path).ShouldBeTrue();
        File.Exists(StateStoreMigrator.UpgradeBackupPath(path)).ShouldBeFalse("a new database has nothing to save");
        File.Exists(StateStoreMigrator.MigrationMarkerPath(path)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_upgrade_saves_the_database_as_it_was_before_it_migrates()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "upgrade");
        var path = store.Options.StateDatabasePath;
        string latest;
        await using (var services = store.Services())
        {
            await StateStore.MigrateAsync(services);
            latest = await RollAlertingBackOneMigrationAsync(services);
            await ExecuteAsync(path, "CREATE TABLE canary (value TEXT); INSERT INTO canary VALUES ('kept');");
        }

        await using (var services = store.Services())
        {
            await StateStore.MigrateAsync(services);
            await using var db = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
            (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        }

        var backup = StateStoreMigrator.UpgradeBackupPath(path);
        File.Exists(backup).ShouldBeTrue();
        File.Exists(StateStoreMigrator.MigrationMarkerPath(path)).ShouldBeFalse("the marker goes once every context is migrated");
        (await QueryAsync(backup, "SELECT value FROM canary")).ShouldBe(["kept"]);
        (await QueryAsync(backup, "SELECT MigrationId FROM __migrations_alerting")).ShouldNotContain(latest, "the copy is the database before the upgrade");
        (await QueryAsync(path, "SELECT MigrationId FROM __migrations_alerting")).ShouldContain(latest);
    }

    [Fact]
    public async Task An_upgrade_a_kill_interrupted_is_undone_from_the_saved_copy_and_run_again()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "interrupted");
        var path = store.Options.StateDatabasePath;
        await using (var services = store.Services())
        {
            await StateStore.MigrateAsync(services);
            await ExecuteAsync(path, "CREATE TABLE canary (value TEXT); INSERT INTO canary VALUES ('before');");
        }

        // What a kill inside the migrations leaves: the copy saved before them, the marker naming it, and a database half changed.
        var backup = StateStoreMigrator.UpgradeBackupPath(path);
        await ExecuteAsync(path, $"VACUUM INTO '{backup}'");
        var table = (await QueryAsync(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'alert%' ORDER BY name")).First();
        await ExecuteAsync(path, $"INSERT INTO canary VALUES ('half'); DROP TABLE \"{table}\";");
        await File.WriteAllTextAsync(StateStoreMigrator.MigrationMarkerPath(path), backup);
        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(path + "-wal", "the half-upgraded file's log");

        await using (var services = store.Services())
        {
            await StateStore.MigrateAsync(services);
        }

        (await QueryAsync(path, "SELECT value FROM canary")).ShouldBe(["before"]);
        var aside = Directory.GetFiles(Path.GetDirectoryName(path)!, "state.db.interrupted-*").Single(f => !f.EndsWith("-wal", StringComparison.Ordinal));
        (await File.ReadAllTextAsync(aside + "-wal")).ShouldBe("the half-upgraded file's log", "the log goes aside with its file, never onto the copy put back");
        (await QueryAsync(path, $"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'")).ShouldBe([table]);
        File.Exists(StateStoreMigrator.MigrationMarkerPath(path)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_creation_a_kill_interrupted_starts_again_from_an_empty_database()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "creation");
        var path = store.Options.StateDatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await ExecuteAsync(path, "CREATE TABLE half_made (value TEXT);");
        await File.WriteAllTextAsync(StateStoreMigrator.MigrationMarkerPath(path), string.Empty);
        SqliteConnection.ClearAllPools();

        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        (await QueryAsync(path, "SELECT name FROM sqlite_master WHERE name = 'half_made'")).ShouldBeEmpty();
        (await QueryAsync(path, "SELECT COUNT(*) FROM __migrations_alerting")).Single().ShouldNotBe("0");
        File.Exists(StateStoreMigrator.MigrationMarkerPath(path)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_interrupted_upgrade_whose_saved_copy_is_gone_stops_the_start_and_says_what_to_do()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "lost-copy");
        var path = store.Options.StateDatabasePath;
        await using (var services = store.Services())
        {
            await StateStore.MigrateAsync(services);
        }

        await File.WriteAllTextAsync(StateStoreMigrator.MigrationMarkerPath(path), path + ".gone");
        SqliteConnection.ClearAllPools();

        await using var again = store.Services();
        var fault = await Should.ThrowAsync<SqliteException>(() => StateStore.MigrateAsync(again));
        fault.Message.ShouldContain("interrupted");
        fault.Message.ShouldContain(".gone");
        File.Exists(path).ShouldBeTrue("nothing is deleted when there is nothing to go back to");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_data_directory_the_service_creates_is_readable_by_its_user_only()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "mode");
        await using var services = store.Services();

        await StateStore.MigrateAsync(services);

        File.GetUnixFileMode(store.Options.ResolveDataDirectory()).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_data_directory_that_exists_keeps_the_permissions_its_owner_gave_it()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "kept-mode");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        Directory.CreateDirectory(store.Options.ResolveDataDirectory(), mode);
        await using var services = store.Services();

        await StateStore.MigrateAsync(services);

        File.GetUnixFileMode(store.Options.ResolveDataDirectory()).ShouldBe(mode);
    }

    private static async Task<string> RollAlertingBackOneMigrationAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        var migrations = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(migrations[^2]);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBe([migrations[^1]]);
        return migrations[^1];
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> QueryAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
