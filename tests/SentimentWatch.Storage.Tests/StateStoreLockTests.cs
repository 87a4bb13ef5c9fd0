using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Storage.Tests;

/// <summary>The desks' lock across worker processes (decision 166), on the real PostgreSQL and on SQLite.</summary>
public sealed class StateStoreLockTests
{
    [Fact]
    public async Task OnPostgreSql_ASecondWorkerWaitsForTheLockUntilTheFirstGivesItBack_AndOtherLocksDoNotWait()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "statestorelock");
        await using var first = store.Services();
        await using var second = store.Services();
        await using var a = await ContextAsync(first);
        await using var b = await ContextAsync(second);

        var held = await StateStoreLock.HoldAsync(a, StateStoreLock.CaseIntake, CancellationToken.None);
        var waiting = StateStoreLock.HoldAsync(b, StateStoreLock.CaseIntake, CancellationToken.None);

        // Another desk's lock is free meanwhile (taken on a third session of the second worker).
        await using (var c = await ContextAsync(second))
        await using (await StateStoreLock.HoldAsync(c, StateStoreLock.IncidentDesk, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            waiting.IsCompleted.ShouldBeFalse("the second worker must wait while the first holds the case-intake lock");
        }

        await held.DisposeAsync();
        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task OnPostgreSql_ALockIsFreedWhenItsHoldersSessionEnds()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "statestorelockdead");
        await using var first = store.Services();
        await using var second = store.Services();
        await using var b = await ContextAsync(second);
        var a = await ContextAsync(first);
        _ = await StateStoreLock.HoldAsync(a, StateStoreLock.IncidentDesk, CancellationToken.None);
        var waiting = StateStoreLock.HoldAsync(b, StateStoreLock.IncidentDesk, CancellationToken.None);

        // As when a worker dies: its session ends without an unlock.
        await using (var admin = await ContextAsync(second))
        {
            var pid = ((Npgsql.NpgsqlConnection)a.Database.GetDbConnection()).ProcessID;
            await admin.Database.ExecuteSqlRawAsync("SELECT pg_terminate_backend({0})", [pid]);
        }

        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await a.DisposeAsync();
    }

    [Fact]
    public async Task OnSqlite_NothingIsTaken()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "sqlite");
        await using var services = store.Services();
        await using var a = await ContextAsync(services);
        await using var b = await ContextAsync(services);
        await using var first = await StateStoreLock.HoldAsync(a, StateStoreLock.CaseIntake, CancellationToken.None);
        await using var second = await StateStoreLock.HoldAsync(b, StateStoreLock.CaseIntake, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
        a.Database.GetDbConnection().State.ShouldBe(System.Data.ConnectionState.Closed, "on SQLite the lock opens nothing");
    }

    private static Task<MentionLedgerDbContext> ContextAsync(IServiceProvider services) =>
        services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync();
}
