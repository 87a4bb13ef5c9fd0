using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Storage.Tests.Mentions;

/// <summary>
/// Several pipeline workers on one PostgreSQL ledger: each a ledger of its own (its own services,
/// its own <see cref="MentionLedger.WorkerId"/>), as two processes would have.
/// </summary>
public sealed class MentionLedgerLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TwoWorkersReadingAtOnceGetDisjointMentionsAndTogetherAll()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "lease");
        await using var one = store.Services();
        await using var two = store.Services();
        await StateStore.MigrateAsync(one);
        var ids = Enumerable.Range(0, 400).Select(i => $"m{i:D3}").ToList();
        await one.GetRequiredService<MentionLedger>().AcceptAsync(ids.Select(id => MentionLedgerContract.NewMention(id)).ToList(), CancellationToken.None);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<List<string>> WorkAsync(MentionLedger ledger)
        {
            await start.Task;
            var mine = new List<string>();
            while (true)
            {
                // Never completed: only the leases keep the other worker off these rows.
                var claimed = await ledger.ReadPendingAsync(0, 25, Lease, CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claimed.Select(e => e.Mention.Id));
            }
        }

        var first = Task.Run(() => WorkAsync(one.GetRequiredService<MentionLedger>()));
        var second = Task.Run(() => WorkAsync(two.GetRequiredService<MentionLedger>()));
        start.SetResult();
        var (a, b) = (await first, await second);

        a.Intersect(b).ShouldBeEmpty();
        a.Concat(b).Order().ShouldBe(ids);
        a.ShouldNotBeEmpty();
        b.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task ADeadWorkersMentionsGoToAnotherOnceItsLeaseExpires()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "takeover");
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.Zero));
        await using var dying = store.Services(clock);
        await using var survivor = store.Services(clock);
        await StateStore.MigrateAsync(dying);
        var dead = dying.GetRequiredService<MentionLedger>();
        var alive = survivor.GetRequiredService<MentionLedger>();
        await dead.AcceptAsync(Enumerable.Range(0, 10).Select(i => MentionLedgerContract.NewMention($"m{i}")).ToList(), CancellationToken.None);

        var held = await dead.ReadPendingAsync(0, 6, Lease, CancellationToken.None);
        held.Count.ShouldBe(6);

        // The rest is free at once; what the dying worker holds is not, not even a minute later.
        var rest = await alive.ReadPendingAsync(0, 100, Lease, CancellationToken.None);
        rest.Select(e => e.Mention.Id).ShouldBe(["m6", "m7", "m8", "m9"]);
        await alive.CompleteAsync(rest, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        (await alive.ReadPendingAsync(0, 100, Lease, CancellationToken.None)).ShouldBeEmpty();

        // The dying worker renews nothing; once its lease has run out the survivor takes the rows over.
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var takenOver = await alive.ReadPendingAsync(0, 100, Lease, CancellationToken.None);
        takenOver.Select(e => e.Mention.Id).ShouldBe(held.Select(e => e.Mention.Id));
        (await dead.ReadPendingAsync(0, 100, Lease, CancellationToken.None)).ShouldBeEmpty("the survivor's new lease keeps the old owner off them");

        await alive.CompleteAsync(takenOver, CancellationToken.None);
        var counts = await alive.CountAsync(CancellationToken.None);
        counts.Processed.ShouldBe(10);
        counts.Pending.ShouldBe(0);
    }

    [Fact]
    public async Task AWorkerStoppingGracefullyGivesItsUnfinishedMentionsBackAtOnce()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "release");
        await using var stopping = store.Services();
        await using var other = store.Services();
        await StateStore.MigrateAsync(stopping);
        var ledger = stopping.GetRequiredService<MentionLedger>();
        await ledger.AcceptAsync([MentionLedgerContract.NewMention("a"), MentionLedgerContract.NewMention("b")], CancellationToken.None);
        var claimed = await ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        await ledger.CompleteAsync([claimed[0]], CancellationToken.None);

        (await ledger.ReleaseLeasesAsync(CancellationToken.None)).ShouldBe(1);

        (await other.GetRequiredService<MentionLedger>().ReadPendingAsync(0, 10, Lease, CancellationToken.None)).ShouldHaveSingleItem().Mention.Id.ShouldBe("b");
    }

    [Fact]
    public async Task MarkingProcessedReleasesTheLeaseAndParkingTooSoRequeuedMentionsAreFree()
    {
        await using var store = await StateStore.CreateAsync(StateStoreProvider.PostgreSql, "release");
        await using var one = store.Services();
        await using var two = store.Services();
        await StateStore.MigrateAsync(one);
        var first = one.GetRequiredService<MentionLedger>();
        var second = two.GetRequiredService<MentionLedger>();
        await first.AcceptAsync([MentionLedgerContract.NewMention("a"), MentionLedgerContract.NewMention("b")], CancellationToken.None);

        var claimed = await first.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        await first.CompleteAsync([claimed[0]], CancellationToken.None);
        await first.ParkAsync("b", "scoring failed", CancellationToken.None);
        (await second.RequeueAsync("b", CancellationToken.None)).ShouldBeTrue();

        // Requeued well within the first worker's lease, yet the other worker may take it at once.
        (await second.ReadPendingAsync(0, 10, Lease, CancellationToken.None)).ShouldHaveSingleItem().Mention.Id.ShouldBe("b");
    }
}
