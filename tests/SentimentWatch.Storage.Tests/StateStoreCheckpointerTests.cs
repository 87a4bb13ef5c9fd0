using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting;
using SentimentWatch.Storage.Mentions;
using SentimentWatch.Storage.Tests.Mentions;

namespace SentimentWatch.Storage.Tests;

/// <summary>
/// Decision 234: on SQLite no committing connection checkpoints the write-ahead log inside its commit (the intake's group
/// commit, a desk's batch) before the backstop; <see cref="StateStoreCheckpointer"/> copies it back on its own thread. Against
/// a real SQLite file: the database file itself only grows when a checkpoint copies pages into it.
/// </summary>
public sealed class StateStoreCheckpointerTests
{
    [Fact]
    public async Task Every_connection_checkpoints_only_at_the_backstop()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "checkpoint");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        await using var alerting = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        (await alerting.Database.SqlQueryRaw<long>("PRAGMA wal_autocheckpoint").ToListAsync()).ShouldBe([(long)StateStoreCheckpointer.BackstopPages]);
        using var own = StateStoreCheckpointer.Open(store.Options);
        using var query = own.CreateCommand();
        query.CommandText = "PRAGMA wal_autocheckpoint";
        ((long)query.ExecuteScalar()!).ShouldBe(StateStoreCheckpointer.BackstopPages);
        (await alerting.Database.SqlQueryRaw<long>("PRAGMA journal_size_limit").ToListAsync()).ShouldBe([StateStoreCheckpointer.LogSizeLimitBytes]);
        query.CommandText = "PRAGMA journal_size_limit";
        ((long)query.ExecuteScalar()!).ShouldBe(StateStoreCheckpointer.LogSizeLimitBytes);
    }

    /// <summary>
    /// SQLite keeps the log's file at the largest it ever was and writes over it (a million-mention burst left ~230 MB on disk
    /// for as long as the service ran); with the size limit on every connection, the commit that starts the log again after a
    /// restart cuts the file back.
    /// </summary>
    [Fact]
    public async Task The_logs_file_is_cut_back_to_the_limit_when_the_log_starts_again()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "checkpoint");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);
        var log = new FileInfo(store.Options.StateDatabasePath + "-wal");

        // A connection of our own (not pooled) held open throughout: SQLite checkpoints and deletes the log when the last
        // connection that has it open closes, and tests running beside this one clear the connection pools when they finish.
        // An opened connection only opens the log at its first read, so it reads once here.
        using var own = StateStoreCheckpointer.Open(store.Options);
        using (var read = own.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            read.ExecuteScalar();
        }

        await using var desk = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        await desk.Database.ExecuteSqlRawAsync("CREATE TABLE burst (x BLOB)");

        // 80 MiB in one commit: no commit checkpoints before the backstop, so the log's file grows past the limit.
        await desk.Database.ExecuteSqlRawAsync("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80) INSERT INTO burst SELECT randomblob(1048576) FROM n");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // what a test beside this one may do at any moment
        log.Refresh();
        log.Length.ShouldBeGreaterThan(StateStoreCheckpointer.LogSizeLimitBytes);

        StateStoreCheckpointer.CatchUp(own).Restarted.ShouldBeTrue();
        await desk.Database.ExecuteSqlRawAsync("INSERT INTO burst VALUES (x'00')");

        log.Refresh();
        log.Length.ShouldBeLessThanOrEqualTo(StateStoreCheckpointer.LogSizeLimitBytes, "the commit that started the log again cut its file back");
        (await desk.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS Value FROM burst").ToListAsync()).ShouldBe([81L]);
    }

    [Fact]
    public async Task The_intakes_commits_leave_the_log_to_the_checkpointer_which_copies_it_back_on_its_own()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "checkpoint");
        store.Options.CheckpointInterval = TimeSpan.FromMilliseconds(100);
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);
        var ledger = services.GetRequiredService<MentionLedger>();
        var database = new FileInfo(store.Options.StateDatabasePath);
        var log = new FileInfo(store.Options.StateDatabasePath + "-wal");

        // A connection of our own held open throughout, read once so it has the log open: SQLite checkpoints the log when the
        // last connection closes, and tests beside this one clear every connection pool (each migration does). CI once saw the
        // database grow here from such a close, not from a commit. The migration's pages are copied in first, so the file's
        // size is settled before the burst.
        using var own = StateStoreCheckpointer.Open(store.Options);
        var (migrationBusy, migrationFrames, migrationCopied) = StateStoreCheckpointer.Checkpoint(own, "RESTART");
        migrationBusy.ShouldBeFalse();
        migrationCopied.ShouldBe(migrationFrames);
        database.Refresh();
        var before = database.Length;

        // ~6 MiB of text in group commits of 200: well past SQLite's default threshold of 1,000 pages (4 MiB), at which
        // the committing connection used to copy the log back itself.
        var text = string.Concat(Enumerable.Repeat("the checkout page keeps failing and nobody answers ", 40));
        for (var batch = 0; batch < 15; batch++)
        {
            await ledger.AcceptAsync([.. Enumerable.Range(0, 200).Select(i => MentionLedgerContract.NewMention($"m{batch}-{i}", text))], CancellationToken.None);
        }

        // A desk's commit on a connection of its own: with SQLite's default threshold this commit copied the log back.
        await using (var desk = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await desk.Database.BeginTransactionAsync();
            await desk.Database.ExecuteSqlRawAsync("CREATE TABLE desk_probe (x INTEGER)");
            await transaction.CommitAsync();
        }

        database.Refresh();
        log.Refresh();
        log.Length.ShouldBeGreaterThan(1_000 * 4096L, "the log holds more than SQLite's default threshold");
        database.Length.ShouldBe(before, "no commit copied the log back into the database");

        using var checkpointer = new StateStoreCheckpointer(Options.Create(store.Options), NullLogger<StateStoreCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (database.Length < before + (3_000L * text.Length) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            database.Refresh();
        }

        await checkpointer.StopAsync(CancellationToken.None);
        database.Length.ShouldBeGreaterThanOrEqualTo(before + (3_000L * text.Length), "the checkpointer copied the mentions' pages into the database");
        var (busy, frames, copied) = StateStoreCheckpointer.Checkpoint(own);
        busy.ShouldBeFalse();
        frames.ShouldBeGreaterThan(0);
        copied.ShouldBe(frames, "nothing is left in the log");
        await using var db = await services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync();
        (await db.Mentions.CountAsync()).ShouldBe(3_000);
    }

    /// <summary>
    /// A passive checkpoint never restarts the log, and under steady writes no writer finds it fully copied, so without a
    /// restart the log grows to the backstop (seen in `bench pipeline`: 418 MB). Writers keep committing while the
    /// checkpointer catches up; the log then starts again from its beginning, so the next commits write at its head.
    /// </summary>
    [Fact]
    public async Task A_long_log_is_restarted_while_writers_keep_committing()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "checkpoint");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);
        var ledger = services.GetRequiredService<MentionLedger>();
        var text = string.Concat(Enumerable.Repeat("the checkout page keeps failing and nobody answers ", 40));

        // A few thousand frames, all in the log (no commit checkpoints before the backstop); restarted from 2,000 here.
        const int restartFrames = 2_000;
        for (var batch = 0; batch < 30; batch++)
        {
            await ledger.AcceptAsync([.. Enumerable.Range(0, 200).Select(i => MentionLedgerContract.NewMention($"m{batch}-{i}", text))], CancellationToken.None);
        }

        using var own = StateStoreCheckpointer.Open(store.Options);
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var batch = 0; !writing.IsCancellationRequested; batch++)
            {
                await ledger.AcceptAsync([.. Enumerable.Range(0, 20).Select(i => MentionLedgerContract.NewMention($"w{batch}-{i}", text))], CancellationToken.None);
            }
        });

        await Task.Delay(100);
        var (logFrames, restarted) = StateStoreCheckpointer.CatchUp(own, restartFrames);
        writing.Cancel();
        await writer;

        logFrames.ShouldBeGreaterThanOrEqualTo(restartFrames);
        restarted.ShouldBeTrue("the restart copied every frame");

        // Ten more commits, counted rather than timed (a busy machine once let a timed writer fill the log again): they go to
        // the log's head, so it now holds far fewer frames than before the restart; without one it would hold more.
        for (var batch = 0; batch < 10; batch++)
        {
            await ledger.AcceptAsync([.. Enumerable.Range(0, 20).Select(i => MentionLedgerContract.NewMention($"after{batch}-{i}", text))], CancellationToken.None);
        }

        var (_, framesNow, _) = StateStoreCheckpointer.Checkpoint(own);
        framesNow.ShouldBeGreaterThan(0);
        framesNow.ShouldBeLessThan(logFrames / 2);
    }
}
