using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>
/// The queue "due soonest" (decision 235) and the counts on its tabs, on both stores: thirty cases written as the desk
/// leaves them, with ties on the due time (across and within priorities), a first response already given (its clock no
/// longer counts), cases waiting on the customer (paused) and closed ones.
/// </summary>
[Collection(HostCollection.Name)]
public sealed partial class CaseQueueOrderTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static readonly DateTimeOffset Now = CasesTestHost.Start;

    /// <summary>The nearest due time of a clock still running, worked out here from the case's times, not from its stored sort key.</summary>
    private static DateTimeOffset? NearestRunningDue(Case c)
    {
        if (!CaseStatuses.IsOpen(c.Status) || c.MergedIntoId is not null || c.PausedAt is not null)
        {
            return null;
        }

        DateTimeOffset?[] running = [c.FirstResponseAt is null ? c.FirstResponseDueAt : null, c.ResolvedAt is null ? c.ResolutionDueAt : null];
        return running.Where(d => d is not null).Min();
    }

    private static async Task<CasesTestHost> StartAsync(string provider, string data, PostgresTestDatabase? database)
    {
        var settings = new CasesSettings();
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        return await CasesTestHost.StartAsync(data, settings);
    }

    /// <summary>Thirty cases; returns them as stored (with their ids).</summary>
    private static async Task<List<Case>> SeedAsync(CasesTestHost host)
    {
        var cases = new List<Case>();
        for (var i = 0; i < 30; i++)
        {
            var priority = 1 + (i % 4);
            var c = new Case
            {
                WatchId = "brand",
                Title = (i % 3 == 0 ? "会员卡重复扣费，要求退款 " : "order never arrived ") + i,
                Category = i % 2 == 0 ? "refund_return" : "product_quality",
                Priority = priority,
                Team = "care",
                Owner = (i % 3) switch { 0 => "li.na", 1 => "zhao.min", _ => null },
                Author = "author-" + i,
                Source = "forum",
                OpenedAt = Now.AddHours(-3),
                ClockStartedAt = Now.AddHours(-3),
                LastMentionAt = Now.AddHours(-3),
                UpdatedAt = Now.AddHours(-3),
                FirstResponseTarget = TimeSpan.FromHours(1),
                ResolutionTarget = TimeSpan.FromHours(8),
                // Five due times for thirty cases: ties across priorities, and (i, i + 20) tie within one.
                FirstResponseDueAt = Now.AddHours((i % 5) - 1),
                ResolutionDueAt = Now.AddHours(10 + (i % 3)),
                FirstResponseBreached = i % 6 == 5,
            };
            c.SetStatus((i % 10) switch
            {
                9 => CaseStatus.WaitingOnCustomer,
                8 => CaseStatus.Closed,
                _ => (CaseStatus)(i % 3),
            });
            if (i % 10 == 7)
            {
                // Answered: only the resolution clock runs, though the first response was due earlier.
                c.FirstResponseAt = Now.AddHours(-2);
            }

            if (c.Status == CaseStatus.WaitingOnCustomer)
            {
                c.PausedAt = Now.AddHours(-1);
            }

            if (c.Status == CaseStatus.Closed)
            {
                c.FirstResponseAt = Now.AddHours(-2);
                c.ResolvedAt = Now.AddHours(-1);
            }

            c.UpdateDueKey();
            cases.Add(c);
        }

        // Two open cases with no clock at all (no policy reached them): they go last too.
        foreach (var i in new[] { 30, 31 })
        {
            var c = new Case
            {
                WatchId = "brand", Title = "no clock " + i, Category = "refund_return", Priority = 1 + (i % 4), Team = "care", Source = "forum",
                OpenedAt = Now, ClockStartedAt = Now, LastMentionAt = Now, UpdatedAt = Now,
            };
            c.SetStatus(CaseStatus.New);
            c.UpdateDueKey();
            cases.Add(c);
        }

        await using var db = await host.DbAsync();
        // Shuffled, so that ids do not follow the due order.
        db.Cases.AddRange(cases.Select((c, i) => (Case: c, Slot: i * 7 % cases.Count)).OrderBy(x => x.Slot).Select(x => x.Case));
        await db.SaveChangesAsync();
        return cases;
    }

    private static async Task<(List<long> Ids, int Pages)> PageThroughAsync(HttpClient client, string query, int pageSize)
    {
        var ids = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await client.GetAsync($"/api/cases?{query}&pageSize={pageSize}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            using var page = JsonDocument.Parse(body);
            ids.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        return (ids, pages);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task DueSoonest_PagesThroughEveryOpenCaseOnce_NearestRunningClockFirst_PausedAndClocklessLast(string provider)
    {
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("queuedue") : null;
        await using var host = await StartAsync(provider, _data.Path, database);
        var cases = await SeedAsync(host);
        var open = cases.Where(c => CaseStatuses.IsOpen(c.Status)).ToList();
        var expected = open
            .OrderBy(c => NearestRunningDue(c) ?? DateTimeOffset.MaxValue).ThenBy(c => c.Priority).ThenBy(c => c.Id)
            .Select(c => c.Id).ToList();
        var tied = open.Where(c => NearestRunningDue(c) is not null).GroupBy(c => (NearestRunningDue(c), c.Priority)).Where(g => g.Count() > 1).ToList();
        tied.ShouldNotBeEmpty("the seed has cases tied on due time and priority, ordered by id");
        tied.ShouldContain(g => g.Select(c => c.Id).Max() < open.Max(c => c.Id), "a tie does not happen to fall on the last ids");

        // Page sizes that cut through ties (3) and that do not (4), and one that takes all at once.
        var client = host.Client();
        foreach (var size in new[] { 3, 4, 50 })
        {
            var (ids, pages) = await PageThroughAsync(client, "sort=due", size);
            ids.ShouldBe(expected, $"page size {size}: every open case once, in due order");
            pages.ShouldBe((expected.Count + size - 1) / size);
        }

        // Waiting on the customer and clockless cases are the tail, after every running clock.
        var tail = open.Where(c => NearestRunningDue(c) is null).Select(c => c.Id).ToHashSet();
        tail.Count.ShouldBe(5, "three waiting on the customer, two with no clock");
        expected.TakeLast(tail.Count).ShouldBe(tail, ignoreOrder: true);

        // The answered case sorts by its resolution due time, not the first-response time it met.
        var answered = open.First(c => c.FirstResponseAt is not null);
        var before = expected.IndexOf(answered.Id);
        open.Count(c => NearestRunningDue(c) < answered.ResolutionDueAt).ShouldBe(before);

        // The default order is unchanged: priority, then due time, then id.
        var (byPriority, _) = await PageThroughAsync(client, "status=open", 4);
        byPriority.ShouldBe(open.OrderBy(c => c.Priority).ThenBy(c => c.DueKey).ThenBy(c => c.Id).Select(c => c.Id).ToList());
        byPriority.ShouldNotBe(expected);

        // Every status: closed cases have no running clock and join the tail.
        var (all, _) = await PageThroughAsync(client, "status=all&sort=due", 4);
        all.ShouldBe(cases.OrderBy(c => NearestRunningDue(c) ?? DateTimeOffset.MaxValue).ThenBy(c => c.Priority).ThenBy(c => c.Id).Select(c => c.Id).ToList());

        // A filter and the due order: one owner's open cases.
        var (mine, _) = await PageThroughAsync(client, "owner=li.na&sort=due", 2);
        mine.ShouldBe(expected.Where(id => open.Single(c => c.Id == id).Owner == "li.na").ToList());
    }

    [Fact]
    public async Task Sort_RefusesAnUnknownOrder_AndACursorOfTheOtherOrder_NamingTheParameter()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        await SeedAsync(host);
        var client = host.Client();

        async Task<string> RefusedAsync(string query, string field)
        {
            var response = await client.GetAsync("/api/cases?" + query);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
            errors.EnumerateObject().Select(e => e.Name).ShouldBe([field]);
            return errors.GetProperty(field)[0].GetString()!;
        }

        (await RefusedAsync("sort=soonest", "sort")).ShouldBe("sort 'soonest' is not one of priority, due");

        using var first = JsonDocument.Parse(await client.GetStringAsync("/api/cases?pageSize=2"));
        var priorityCursor = first.RootElement.GetProperty("nextCursor").GetString()!;
        (await RefusedAsync("sort=due&cursor=" + Uri.EscapeDataString(priorityCursor), "cursor")).ShouldContain("sort=priority");

        using var due = JsonDocument.Parse(await client.GetStringAsync("/api/cases?pageSize=2&sort=due"));
        var dueCursor = due.RootElement.GetProperty("nextCursor").GetString()!;
        (await RefusedAsync("cursor=" + Uri.EscapeDataString(dueCursor), "cursor")).ShouldContain("sort=due");
        (await client.GetAsync("/api/cases?sort=DUE&cursor=" + Uri.EscapeDataString(dueCursor))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task TabCounts_AreWhatEachTabLists_UnderTheSameFilters(string provider)
    {
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("queuetabs") : null;
        await using var host = await StartAsync(provider, _data.Path, database);
        var cases = await SeedAsync(host);
        var queries = host.App.Services.GetRequiredService<CaseQueries>();
        var viewer = new CaseViewer("li.na", SeesPersonalData: true, AlertLinkedOnly: false);
        var client = host.Client();

        (string Query, CaseFilter Filter)[] filters =
        [
            ("", new CaseFilter()),
            ("category=refund_return", new CaseFilter { Category = "refund_return" }),
            ("priority=P2", new CaseFilter { Priority = 2 }),
            ("text=" + Uri.EscapeDataString("退款"), new CaseFilter { Text = "退款" }),
            // What the tabs set themselves is not a filter of their counts: the counts stay those of the open tabs.
            ("category=product_quality", new CaseFilter { Category = "product_quality", Status = CaseStatus.Closed, Owner = "zhao.min", Breached = false }),
        ];
        foreach (var (query, filter) in filters)
        {
            var counts = await queries.CountTabsAsync(filter, viewer, "li.na", default);
            var (open, _) = await PageThroughAsync(client, query + "&status=open", 50);
            var (mine, _) = await PageThroughAsync(client, query + "&owner=li.na", 50);
            var (breached, _) = await PageThroughAsync(client, query + "&breached=true", 50);
            counts.ShouldBe(new CaseTabCounts(open.Count, mine.Count, breached.Count), query);
            counts.Mine.ShouldBeGreaterThan(0, query);
            counts.Breached.ShouldBeGreaterThan(0, query);
        }

        // Worked out from the seed, not from the list: 30 open minus 3 closed plus 2 clockless; a breach is a flag or a passed due time.
        var all = await queries.CountTabsAsync(new CaseFilter(), viewer, "li.na", default);
        var openCases = cases.Where(c => CaseStatuses.IsOpen(c.Status)).ToList();
        all.Open.ShouldBe(openCases.Count);
        all.Mine.ShouldBe(openCases.Count(c => c.Owner == "li.na"));
        all.Breached.ShouldBe(openCases.Count(c => c.FirstResponseBreached || c.ResolutionBreached || NearestRunningDue(c) <= Now));
        (await queries.CountTabsAsync(new CaseFilter(), viewer, null, default)).Mine.ShouldBe(0, "nobody signed in owns nothing");
    }

    /// <summary>
    /// SQLite's plan for the due order's first page and a cursor page: walked on the new index, in its order (no sort
    /// of every open case), and seeking to the cursor instead of walking up to it.
    /// </summary>
    [Fact]
    public async Task DueSoonest_OnSqlite_WalksItsIndexInOrder_AndSeeksToTheCursor()
    {
        var commands = new CapturedCommands();
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings(), services: s => s.AddSingleton<ILoggerProvider>(commands));
        await SeedAsync(host);
        var queries = host.App.Services.GetRequiredService<CaseQueries>();
        var viewer = new CaseViewer("li.na", SeesPersonalData: true, AlertLinkedOnly: false);
        commands.Clear();
        var page = await queries.ListAsync(new CaseFilter { Order = CaseOrder.Due }, viewer, 5, null, default);
        await queries.ListAsync(new CaseFilter { Order = CaseOrder.Due }, viewer, 5, page.NextCursor, default);
        var selects = commands.Texts.Where(t => t.Contains("FROM \"cases\"", StringComparison.Ordinal)).ToList();
        selects.Count.ShouldBe(2);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "state.db")}");
        await connection.OpenAsync();
        foreach (var sql in selects)
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            {
                explain.Parameters.AddWithValue(name, 1L);
            }

            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            var text = $"{sql}\n-- plan: {string.Join(" | ", plan)}";
            plan.ShouldContain(step => step.Contains("IX_cases_IsOpen_DueKey_Priority_Id", StringComparison.Ordinal), text);
            plan.ShouldNotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), text);
            if (sql.Contains(">=", StringComparison.Ordinal))
            {
                plan.ShouldContain(step => step.Contains("DueKey\">?", StringComparison.Ordinal) || step.Contains("DueKey>?", StringComparison.Ordinal), text);
            }
        }
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();
}
