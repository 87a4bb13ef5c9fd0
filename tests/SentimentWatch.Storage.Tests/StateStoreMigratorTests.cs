using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Alerting;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Crawling.State;
using SentimentWatch.Storage.Mentions;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Storage.Tests;

public sealed class StateStoreMigratorTests
{
    public static TheoryData<StateStoreProvider> Providers => new() { StateStoreProvider.Sqlite, StateStoreProvider.PostgreSql };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryContextMigratesFromEmptyAndMatchesItsModel(StateStoreProvider provider)
    {
        await using var store = await StateStore.CreateAsync(provider, "migrate");
        await using var services = store.Services();

        await StateStore.MigrateAsync(services);

        await AssertMigratedAsync<MentionLedgerDbContext>(services);
        await AssertMigratedAsync<CrawlStateDbContext>(services);
        await AssertMigratedAsync<AlertingDbContext>(services);
        await AssertMigratedAsync<CasesDbContext>(services);
        await AssertMigratedAsync<ConsoleIdentityDbContext>(services);
        await AssertMigratedAsync<LabelCorrectionsDbContext>(services);
    }

    [Fact]
    public async Task PostgreSqlContextsKeepTheirOwnHistoryTables()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "history");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);

        await using var db = await services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync();
        var tables = await db.Database.SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_name LIKE '\\_\\_migrations\\_%'").ToListAsync();
        tables.Order().ShouldBe(["__migrations_alerting", "__migrations_cases", "__migrations_consoleidentity", "__migrations_crawlstate", "__migrations_labelcorrections", "__migrations_mentionledger"]);
    }

    [Fact]
    public async Task SeveralPostgreSqlWorkersStartingAtOnceMigrateOnce()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "race");
        var workers = Enumerable.Range(0, 4).Select(_ => store.Services()).ToList();
        try
        {
            // Without the advisory lock two of them would both try to create the same tables.
            await Task.WhenAll(workers.Select(w => Task.Run(() => StateStore.MigrateAsync(w))));

            foreach (var worker in workers)
            {
                await AssertMigratedAsync<MentionLedgerDbContext>(worker);
                await AssertMigratedAsync<CasesDbContext>(worker);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task EveryOtherContextDoesARoundTripOnPostgreSql()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "roundtrip");
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);
        var at = new DateTimeOffset(2026, 12, 3, 4, 30, 0, TimeSpan.Zero);

        await using (var db = await Factory<CrawlStateDbContext>(services))
        {
            db.SourceHealth.Add(new SourceHealthRecord { SourceId = "weibo-brand", LastRunAt = at, PagesFetched = 7, ErrorsByKind = "{\"timeout\":1}" });
            await db.SaveChangesAsync();
        }

        await using (var db = await Factory<AlertingDbContext>(services))
        {
            db.Silences.Add(new AlertSilence { WatchId = "acme", CreatedAt = at, Until = at.AddHours(2), Reason = "planned launch" });
            await db.SaveChangesAsync();
        }

        await using (var db = await Factory<CasesDbContext>(services))
        {
            db.AssignmentCursors.Add(new AssignmentCursor { Team = "support-cn", LastAgent = "li.wei" });
            await db.SaveChangesAsync();
        }

        await using (var db = await Factory<ConsoleIdentityDbContext>(services))
        {
            db.Users.Add(new ConsoleUser { Id = "u1", UserName = "pr.lead", NormalizedUserName = "PR.LEAD", CreatedAt = at, LockoutEnd = at.AddMinutes(5) });
            db.Roles.Add(new IdentityRole { Id = "r1", Name = "pr", NormalizedName = "PR" });
            await db.SaveChangesAsync();
        }

        await using (var db = await Factory<CrawlStateDbContext>(services))
        {
            var health = await db.SourceHealth.SingleAsync(h => h.SourceId == "weibo-brand");
            health.LastRunAt.ShouldBe(at);
            health.PagesFetched.ShouldBe(7);
        }

        await using (var db = await Factory<AlertingDbContext>(services))
        {
            (await db.Silences.SingleAsync(s => s.Until > at)).Reason.ShouldBe("planned launch");
        }

        await using (var db = await Factory<CasesDbContext>(services))
        {
            (await db.AssignmentCursors.SingleAsync(c => c.Team == "support-cn")).LastAgent.ShouldBe("li.wei");
        }

        await using (var db = await Factory<ConsoleIdentityDbContext>(services))
        {
            var user = await db.Users.SingleAsync(u => u.NormalizedUserName == "PR.LEAD");
            user.LockoutEnd.ShouldBe(at.AddMinutes(5));
            (await db.Roles.CountAsync()).ShouldBe(1);
        }
    }

    private static Task<TContext> Factory<TContext>(IServiceProvider services)
        where TContext : DbContext =>
        services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContextAsync();

    private static async Task AssertMigratedAsync<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        await using var db = await Factory<TContext>(services);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty($"{typeof(TContext).Name} has migrations not applied");
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();

        // The provider's migrations describe the model as it is: nothing left for `dotnet ef migrations add`.
        db.Database.HasPendingModelChanges().ShouldBeFalse($"{typeof(TContext).Name}'s model changed without a migration for {db.Database.ProviderName}");
    }
}
