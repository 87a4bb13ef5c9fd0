using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Cases.Tests.Support;

namespace SentimentWatch.Cases.Tests.Intake;

/// <summary>
/// Complaint intake runs inside the state store's one write transaction for every pipeline batch, so a query that
/// walks every case or case mention grows the pipeline's cost with the store (decision 195: the author lookups
/// scanned every case, 27 ms per batch at 100,000 cases). Every query intake sends is captured and SQLite's own plan
/// for it is read: none may scan <c>cases</c> or <c>case_mentions</c>.
/// </summary>
[Collection(HostCollection.Name)]
public sealed partial class IntakeQueryPlanTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Every_query_intake_sends_reads_its_tables_through_an_index_and_scans_none()
    {
        var commands = new CapturedCommands();
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings(), services: s => s.AddSingleton<ILoggerProvider>(commands));
        var at = host.Clock.GetUtcNow();

        // Every kind of lookup: a thread, a repost of an original, a near-duplicate, an author's earlier case, a
        // customer's reply to a case waiting on them, and the daily reload of the near-duplicate bands.
        var first = Complaints.Make(at, author: "a1", threadId: "t-1");
        await host.Desk.OnIndexedAsync([first, Complaints.Make(at, text: "门店服务员态度恶劣，点单时翻白眼", author: "b1")], default);
        long waiting;
        await using (var db = await host.DbAsync())
        {
            waiting = await db.Mentions.Where(m => m.MentionId == first.Id).Select(m => m.CaseId).SingleAsync();
        }

        (await host.Desk.TransitionAsync(waiting, null, "waiting_on_customer", null, null, "asked for the order number", "li.na", default)).Kind
            .ShouldBe(SentimentWatch.Cases.Workflow.CaseOutcomeKind.Ok);
        host.Clock.Advance(SentimentWatch.Cases.Workflow.CaseBands.ReloadAfter);
        commands.Clear();
        await host.Desk.OnIndexedAsync(
        [
            Complaints.Make(at.AddMinutes(5), text: "楼主说得对，我也是会员卡被扣两次", author: "c1", threadId: "t-1"),
            Complaints.Make(at.AddMinutes(6), author: "d1") with { DuplicateOf = first.Id },
            Complaints.Make(at.AddMinutes(7), author: "e1"),
            Complaints.Make(at.AddMinutes(8), text: "Still no refund from Lumo after a week", author: "B1"),
            Complaints.Make(at.AddMinutes(9), text: "order 20261127-88, thanks", negative: 0.1f, author: "A1"),
        ], default);

        var selects = commands.Texts.Where(t => t.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)).Distinct().ToList();
        selects.Count.ShouldBeGreaterThan(5, "intake's lookups were captured");
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "state.db")}");
        await connection.OpenAsync();
        foreach (var sql in selects)
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            {
                explain.Parameters.AddWithValue(name, DBNull.Value);
            }

            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            plan.ShouldNotContain(step => FullScan().IsMatch(step), $"{sql}\n-- plan: {string.Join(" | ", plan)}");
        }
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    // A table (SQLite names it by the query's alias) read row by row without an index; "SCAN ... USING (COVERING)
    // INDEX" walks an index in order, and json_each is the list of values a query was given.
    [GeneratedRegex(@"^SCAN (?!json_each\b|CONSTANT ROW)\w+(?!.*\bUSING\b)")]
    private static partial Regex FullScan();
}
