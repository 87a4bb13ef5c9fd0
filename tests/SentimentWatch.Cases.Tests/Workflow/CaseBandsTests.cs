using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>
/// On SQLite intake finds near-duplicates through bands held in memory instead of four indexes on
/// <c>case_mentions</c> (decision 194); on PostgreSQL through the indexed bands. Both must find what the
/// store holds, whoever wrote it and wherever a merge moved it.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CaseBandsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_near_duplicate_joins_the_case_its_original_is_on_after_a_merge_and_when_another_writer_added_the_original(string provider)
    {
        var settings = new CasesSettings();
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("casebands") : null;
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var now = host.Clock.GetUtcNow();
        const ulong printA = 0x1234_5678_9ABC_DEF0UL;
        const ulong printC = 0x0FED_CBA9_8765_4321UL;
        var a = Complaints.Make(now, text: "charged twice for my membership card", author: "a1") with { Fingerprint = printA };
        var b = Complaints.Make(now, text: "the barista was rude to me", author: "b1") with { Fingerprint = 0x5555_AAAA_5555_AAAAUL };
        await host.Desk.OnIndexedAsync([a, b], default);

        long caseA, caseB;
        await using (var db = await host.DbAsync())
        {
            caseA = await db.Mentions.Where(m => m.MentionId == a.Id).Select(m => m.CaseId).SingleAsync();
            caseB = await db.Mentions.Where(m => m.MentionId == b.Id).Select(m => m.CaseId).SingleAsync();
        }

        (await host.Desk.MergeAsync(caseA, null, caseB, "li.na", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);

        // Written by another writer after intake read the bands (as a second process, or a person, would).
        await using (var db = await host.DbAsync())
        {
            db.Mentions.Add(new CaseMention
            {
                CaseId = caseB, MentionId = "written-elsewhere", WatchId = "brand", Source = "forum", Reason = "manual",
                Fingerprint = unchecked((long)printC), PublishedAt = now, AttachedAt = now,
                Band0 = CaseMention.Bands(printC).Item1, Band1 = CaseMention.Bands(printC).Item2,
                Band2 = CaseMention.Bands(printC).Item3, Band3 = CaseMention.Bands(printC).Item4,
            });
            await db.SaveChangesAsync();
        }

        // Three and two bits away from the two originals: near-duplicates by the 3-bit rule; 4 bits away (and 7 from the
        // first echo) is not.
        var echoA = Complaints.Make(now.AddMinutes(5), text: "charged twice for my membership card!!", author: "a2") with { Fingerprint = printA ^ 0b1011UL };
        var echoC = Complaints.Make(now.AddMinutes(5), text: "refund for the double charge please", author: "c2") with { Fingerprint = printC ^ (1UL << 40) ^ (1UL << 63) };
        var farFromA = Complaints.Make(now.AddMinutes(5), text: "my card was charged again", author: "d2") with { Fingerprint = printA ^ (0b1111UL << 20) };
        await host.Desk.OnIndexedAsync([echoA, echoC, farFromA], default);

        await using (var db = await host.DbAsync())
        {
            var rows = await db.Mentions.Where(m => m.MentionId == echoA.Id || m.MentionId == echoC.Id || m.MentionId == farFromA.Id)
                .ToDictionaryAsync(m => m.MentionId, m => (m.CaseId, m.Reason));
            rows[echoA.Id].ShouldBe((caseB, "near_duplicate"), "the original moved to case B with the merge");
            rows[echoC.Id].ShouldBe((caseB, "near_duplicate"), "the original was written by another writer after the bands were read");
            rows[farFromA.Id].Reason.ShouldBe("opened", "4 bits from the original is not a near-duplicate");
        }
    }

    [Fact]
    public async Task The_bands_in_memory_find_exactly_the_store_rows_within_three_bits_of_cases_not_closed_when_they_loaded()
    {
        await using var host = await CasesTestHost.StartAsync(_data.Path, new CasesSettings());
        var random = new Random(194);
        var now = host.Clock.GetUtcNow();
        var bases = Enumerable.Range(0, 60).Select(_ => NextPrint(random)).ToArray();
        var watches = new[] { "brand", "rival" };
        var cases = new List<Case>();
        await using (var db = await host.DbAsync())
        {
            for (var i = 0; i < 40; i++)
            {
                var c = new Case { WatchId = watches[i % 2], Title = $"case {i}", Category = "refund_return", Source = "forum", OpenedAt = now, UpdatedAt = now };
                c.SetStatus(i % 5 == 0 ? CaseStatus.Closed : i % 5 == 1 ? CaseStatus.Resolved : CaseStatus.InProgress);
                db.Cases.Add(c);
                cases.Add(c);
            }

            await db.SaveChangesAsync();
            await AddMentionsAsync(db, random, bases, cases, 1_500, "m1-");
        }

        var bands = new CaseBands(host.Clock);
        await CompareAsync(host, bands, random, bases, watches, closedSinceLoad: []);

        // Rows written after the load are taken in before the next answer (on cases that can be joined, as intake writes them).
        await using (var db = await host.DbAsync())
        {
            await AddMentionsAsync(db, random, bases, cases.Where(c => c.Status != CaseStatus.Closed).ToList(), 500, "m2-");
        }

        await CompareAsync(host, bands, random, bases, watches, closedSinceLoad: []);

        // Cases closed since are still answered until the daily reload; after it they are left out.
        var closedSinceLoad = new HashSet<long>();
        await using (var db = await host.DbAsync())
        {
            foreach (var c in await db.Cases.Where(c => c.Status == CaseStatus.Resolved).ToListAsync())
            {
                c.SetStatus(CaseStatus.Closed);
                closedSinceLoad.Add(c.Id);
            }

            await db.SaveChangesAsync();
        }

        closedSinceLoad.Count.ShouldBe(8);
        int expectedHeld;
        await using (var db = await host.DbAsync())
        {
            expectedHeld = await db.Mentions.Where(m => m.Fingerprint != 0 && db.Cases.Any(c => c.Id == m.CaseId && c.Status != CaseStatus.Closed))
                .Select(m => new { m.WatchId, m.Fingerprint, m.CaseId }).Distinct().CountAsync();
        }

        await CompareAsync(host, bands, random, bases, watches, closedSinceLoad);
        host.Clock.Advance(CaseBands.ReloadAfter);
        await CompareAsync(host, bands, random, bases, watches, closedSinceLoad: []);
        bands.Count.ShouldBe(expectedHeld, "each distinct print of a case not closed, once");
    }

    private static async Task AddMentionsAsync(CasesDbContext db, Random random, ulong[] bases, List<Case> cases, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            var c = cases[random.Next(cases.Count)];
            var print = i % 25 == 0 ? 0UL : Flip(random, bases[random.Next(bases.Length)], random.Next(0, 7));
            db.Mentions.Add(new CaseMention
            {
                CaseId = c.Id, MentionId = prefix + i, WatchId = c.WatchId, Source = "forum", Reason = "opened",
                Fingerprint = unchecked((long)print), PublishedAt = DateTimeOffset.UnixEpoch, AttachedAt = DateTimeOffset.UnixEpoch,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Compares the bands' answer for 300 probes with the store's rows read in full: each distinct (watch, print, case)
    /// within three bits. A case closed since the last
    /// load (in <paramref name="closedSinceLoad"/>) still counts as held: the bands learn of closing at the reload.
    /// </summary>
    private static async Task CompareAsync(CasesTestHost host, CaseBands bands, Random random, ulong[] bases, string[] watches, HashSet<long> closedSinceLoad)
    {
        await using var db = await host.DbAsync();
        var rows = await db.Mentions.AsNoTracking()
            .Join(db.Cases, m => m.CaseId, c => c.Id, (m, c) => new { m.Id, m.WatchId, m.Fingerprint, m.CaseId, c.Status })
            .ToListAsync();
        var probes = Enumerable.Range(0, 300).Select(_ => (watches[random.Next(2)], Flip(random, bases[random.Next(bases.Length)], random.Next(0, 6)))).ToList();
        foreach (var probe in probes)
        {
            var found = await bands.NearAsync(db, [probe], default);
            var expected = rows
                .Where(r => r.WatchId == probe.Item1 && r.Fingerprint != 0 && SimHash.Distance(unchecked((ulong)r.Fingerprint), probe.Item2) <= SimHash.NearDuplicateDistance)
                .Where(r => r.Status != CaseStatus.Closed || closedSinceLoad.Contains(r.CaseId))
                .Select(r => (r.WatchId, Print: unchecked((ulong)r.Fingerprint), r.CaseId))
                .ToHashSet();
            found.Order().ShouldBe(expected.Order(), $"probe {probe.Item2:X16} on {probe.Item1}, held {bands.Count}, closed since the load: {string.Join(",", closedSinceLoad)}");
        }

        probes.Count(p => rows.Any(r => r.WatchId == p.Item1 && r.Fingerprint != 0 && SimHash.Distance(unchecked((ulong)r.Fingerprint), p.Item2) <= 3))
            .ShouldBeGreaterThan(50, "enough probes have near-duplicates for the comparison to mean something");
    }

    private static ulong NextPrint(Random random) => unchecked((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    private static ulong Flip(Random random, ulong print, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            print ^= 1UL << random.Next(64);
        }

        return print;
    }
}
