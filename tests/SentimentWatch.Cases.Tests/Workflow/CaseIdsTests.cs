using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>
/// Intake numbers the cases of a batch itself, without a save per case (decision 188); ids must
/// stay unique and increasing beside the database's own numbering, on both state stores.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CaseIdsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Intake_numbers_its_cases_after_every_id_the_database_gave_and_the_database_numbers_after_intake(string provider)
    {
        var settings = new CasesSettings();
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("caseids") : null;
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var now = host.Clock.GetUtcNow();

        var first = await SaveByDatabaseAsync(host, now);
        var threaded = Complaints.Make(now.AddMinutes(-7).AddTicks(3_000), text: "charged twice for one coffee", author: "a1", threadId: "t-42", negative: 0.875f) with { Fingerprint = 0xF00D_BEEF_1234_5678UL };
        await host.Desk.OnIndexedAsync(
        [
            threaded,
            Complaints.Make(now, text: "the refund never arrived", author: "a2"),
            Complaints.Make(now, text: "the app took money without an order", author: "a3"),
        ], default);
        var second = await SaveByDatabaseAsync(host, now);
        await host.Desk.OnIndexedAsync([Complaints.Make(now, text: "billed for a cancelled order", author: "a4")], default);

        await using var db = await host.DbAsync();
        var ids = await db.Cases.OrderBy(c => c.OpenedAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.Title }).ToListAsync();
        ids.Count.ShouldBe(6);
        ids.Select(c => c.Id).Distinct().Count().ShouldBe(6);
        var intake = await db.Cases.Where(c => c.Title != "by hand").OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
        intake.Count.ShouldBe(4);
        intake.Take(3).ShouldAllBe(id => id > first && id < second, "the batch's ids come after the database's first and before its second");
        intake[3].ShouldBeGreaterThan(second);
        // Every case intake opened is whole: its mention and its audit entry point at the id it was given.
        // A case mention and its audit entry, written in the batch without a save per case (decision 188), read back whole.
        var row = await db.Mentions.SingleAsync(m => m.MentionId == threaded.Id);
        row.ThreadKey.ShouldBe(SentimentWatch.Cases.Workflow.CaseDesk.ThreadKey("forum", "t-42"));
        row.Negative.ShouldBe(0.875f);
        row.Fingerprint.ShouldBe(unchecked((long)0xF00D_BEEF_1234_5678UL));
        row.Band3.ShouldBe(0xF00D);
        row.PublishedAt.ShouldBe(threaded.PublishedAt.ToUniversalTime());
        row.AttachedAt.ShouldBe(now);
        row.Reason.ShouldBe("opened");
        row.Title.ShouldBe(threaded.Title);
        var opened = await db.Audit.SingleAsync(a => a.CaseId == row.CaseId && a.What == "opened");
        opened.At.ShouldBe(now);
        opened.Who.ShouldNotBeNullOrWhiteSpace();
        foreach (var id in intake)
        {
            (await db.Mentions.CountAsync(m => m.CaseId == id)).ShouldBe(1);
            (await db.Audit.CountAsync(a => a.CaseId == id && a.What == "opened")).ShouldBe(1);
        }
    }

    [Fact]
    public async Task On_SQLite_the_id_of_a_deleted_newest_case_is_not_given_again()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var now = host.Clock.GetUtcNow();
        await host.Desk.OnIndexedAsync([Complaints.Make(now, text: "charged twice for one coffee", author: "d1")], default);
        long deleted;
        await using (var db = await host.DbAsync())
        {
            deleted = await db.Cases.MaxAsync(c => c.Id);
            await db.Audit.Where(a => a.CaseId == deleted).ExecuteDeleteAsync();
            await db.Mentions.Where(m => m.CaseId == deleted).ExecuteDeleteAsync();
            await db.Cases.Where(c => c.Id == deleted).ExecuteDeleteAsync();
        }

        await host.Desk.OnIndexedAsync([Complaints.Make(now, text: "the refund never arrived", author: "d2")], default);
        await using var after = await host.DbAsync();
        (await after.Cases.SingleAsync()).Id.ShouldBeGreaterThan(deleted);
    }

    /// <summary>A case numbered by the database (a plain insert, as staff-opened cases are), returning its id.</summary>
    private static async Task<long> SaveByDatabaseAsync(CasesTestHost host, DateTimeOffset now)
    {
        await using var db = await host.DbAsync();
        var c = new Case { WatchId = "brand", Title = "by hand", Category = "other", Source = "forum", OpenedAt = now, ClockStartedAt = now, LastMentionAt = now, UpdatedAt = now };
        db.Cases.Add(c);
        await db.SaveChangesAsync();
        c.Id.ShouldBeGreaterThan(0);
        return c.Id;
    }
}
