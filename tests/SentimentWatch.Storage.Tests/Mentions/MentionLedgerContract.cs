using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Storage.Tests.Mentions;

/// <summary>
/// What the pipeline and the intake rely on from the ledger, whichever database holds it: one
/// subclass per provider runs every test here against a real store.
/// </summary>
public abstract class MentionLedgerContract : IAsyncLifetime
{
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private StateStore? _store;
    private ServiceProvider? _services;

    protected abstract StateStoreProvider Provider { get; }

    protected StateStore Store => _store!;

    protected MentionLedger Ledger => _services!.GetRequiredService<MentionLedger>();

    public async Task InitializeAsync()
    {
        _store = await StateStore.CreateAsync(Provider, "ledger");
        _services = _store.Services();
        await StateStore.MigrateAsync(_services);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    public static Mention NewMention(string id, string text = "the checkout page keeps failing", string? email = null) => new()
    {
        Id = id,
        Source = "forum",
        Url = $"https://forum.example/t/{id}",
        Author = "someone",
        Text = email is null ? text : $"{text} write to {email}",
        Language = "en",
        PublishedAt = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
        CollectedAt = new DateTimeOffset(2026, 12, 1, 8, 5, 0, TimeSpan.Zero),
        Engagement = new Engagement(120, 3, 2, 1),
        Watches = ["acme"],
    };

    [Fact]
    public async Task AcceptingTheSameMentionsTwiceStoresThemOnce()
    {
        var first = await Ledger.AcceptAsync([NewMention("a"), NewMention("b"), NewMention("c")], CancellationToken.None);
        var again = await Ledger.AcceptAsync([NewMention("b"), NewMention("c"), NewMention("d"), NewMention("d")], CancellationToken.None);

        first.Accepted.ShouldBe(3);
        again.Accepted.ShouldBe(1);
        again.AlreadyKnown.ShouldBe(3);
        (await Ledger.CountAsync(CancellationToken.None)).Pending.ShouldBe(4);
    }

    [Fact]
    public async Task ConcurrentIntakeRequestsAreAllStoredAndCountedOnce()
    {
        var requests = Enumerable.Range(0, 8)
            .Select(r => Task.Run(() => Ledger.AcceptAsync(Enumerable.Range(0, 50).Select(i => NewMention($"r{r}-{i}")).Append(NewMention("shared")).ToList(), CancellationToken.None)))
            .ToList();
        var receipts = await Task.WhenAll(requests);

        receipts.Sum(r => r.Accepted).ShouldBe(8 * 50 + 1);
        (await Ledger.CountAsync(CancellationToken.None)).Pending.ShouldBe(8 * 50 + 1);
    }

    [Fact]
    public async Task StoredMentionsAreRedactedAndReadBackWhole()
    {
        await Ledger.AcceptAsync([NewMention("a", email: "li.wei@example.com")], CancellationToken.None);

        var entry = (await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None)).ShouldHaveSingleItem();
        entry.Mention.Text.ShouldNotContain("li.wei@example.com");
        entry.Mention.Url.ShouldBe("https://forum.example/t/a");
        entry.Mention.Engagement.ShouldBe(new Engagement(120, 3, 2, 1));
        entry.Mention.PublishedAt.ShouldBe(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        entry.Mention.Watches.ShouldBe(["acme"]);
    }

    [Fact]
    public async Task PendingMentionsAreReadInArrivalOrderAndNotAgainOnceProcessed()
    {
        await Ledger.AcceptAsync([NewMention("a"), NewMention("b"), NewMention("c")], CancellationToken.None);

        var pending = await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        pending.Select(e => e.Mention.Id).ShouldBe(["a", "b", "c"]);
        pending.Select(e => e.Sequence).ShouldBeInOrder();

        var scored = pending.Select(e => e with
        {
            Mention = e.Mention with
            {
                Sentiment = new SentimentScore(SentimentLabel.Negative, 0.8f, 0.15f, 0.05f),
                Topic = new TopicScore("payment", 0.7f),
                ScoredBy = "sentiment-v2",
                RiskTerms = ["refund"],
            },
        }).ToList();
        await Ledger.CompleteAsync(scored, CancellationToken.None);

        (await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None)).ShouldBeEmpty();
        var counts = await Ledger.CountAsync(CancellationToken.None);
        counts.Pending.ShouldBe(0);
        counts.Processed.ShouldBe(3);
        counts.Unscored.ShouldBe(0);
        (await Ledger.CountPendingAsync(CancellationToken.None)).ShouldBe(0);

        var processed = new List<Mention>();
        await foreach (var mention in Ledger.ReadProcessedAsync(CancellationToken.None))
        {
            processed.Add(mention);
        }

        processed.Select(m => m.Id).ShouldBe(["a", "b", "c"]);
        processed[0].Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        processed[0].Topic!.Topic.ShouldBe("payment");
        processed[0].RiskTerms.ShouldBe(["refund"]);
    }

    [Fact]
    public async Task CompletingTwiceCountsOnce()
    {
        await Ledger.AcceptAsync([NewMention("a"), NewMention("b")], CancellationToken.None);
        var pending = await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);

        await Ledger.CompleteAsync(pending, CancellationToken.None);
        await Ledger.CompleteAsync(pending, CancellationToken.None);

        (await Ledger.CountAsync(CancellationToken.None)).Processed.ShouldBe(2);
    }

    [Fact]
    public async Task AParkedMentionLeavesTheQueueUntilRequeued()
    {
        await Ledger.AcceptAsync([NewMention("a"), NewMention("b")], CancellationToken.None);
        await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);

        await Ledger.ParkAsync("a", "indexing failed: mapping rejected", CancellationToken.None);

        var parked = (await Ledger.ListParkedAsync(10, CancellationToken.None)).ShouldHaveSingleItem();
        parked.Id.ShouldBe("a");
        parked.Reason.ShouldBe("indexing failed: mapping rejected");
        parked.Attempts.ShouldBe(1);
        (await Ledger.CountAsync(CancellationToken.None)).Parked.ShouldBe(1);

        (await Ledger.RequeueAsync("a", CancellationToken.None)).ShouldBeTrue();
        (await Ledger.RequeueAsync("a", CancellationToken.None)).ShouldBeFalse();

        // Back in the queue, behind what was read before, and free for any worker to take.
        var again = await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        again.Select(e => e.Mention.Id).ShouldContain("a");
        var counts = await Ledger.CountAsync(CancellationToken.None);
        counts.Parked.ShouldBe(0);
        counts.Pending.ShouldBe(2);
    }

    [Fact]
    public async Task RescoringRewritesScoresOfProcessedMentions()
    {
        await Ledger.AcceptAsync([NewMention("a")], CancellationToken.None);
        var entry = (await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None)).Single();
        await Ledger.CompleteAsync([entry with { Mention = entry.Mention with { ScoredBy = "v1", Sentiment = new SentimentScore(SentimentLabel.Neutral, 0.1f, 0.8f, 0.1f) } }], CancellationToken.None);

        var stale = (await Ledger.ReadStaleScoresAsync("v2", 0, 10, CancellationToken.None)).ShouldHaveSingleItem();
        await Ledger.UpdateScoresAsync([stale with { Mention = stale.Mention with { ScoredBy = "v2", Sentiment = new SentimentScore(SentimentLabel.Positive, 0.1f, 0.1f, 0.8f) } }], CancellationToken.None);

        (await Ledger.ReadStaleScoresAsync("v2", 0, 10, CancellationToken.None)).ShouldBeEmpty();
        var processed = new List<Mention>();
        await foreach (var mention in Ledger.ReadProcessedAsync(CancellationToken.None))
        {
            processed.Add(mention);
        }

        processed.Single().Sentiment!.Label.ShouldBe(SentimentLabel.Positive);
    }

    [Fact]
    public async Task TheNearDuplicateSeedReadsProcessedMentionsWithTheirIdAndOriginal()
    {
        await Ledger.AcceptAsync([NewMention("a"), NewMention("b", text: "a completely different complaint about delivery")], CancellationToken.None);
        var pending = await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        await Ledger.CompleteAsync([pending[0], pending[1] with { Mention = pending[1].Mention with { DuplicateOf = "a" } }], CancellationToken.None);
        await Ledger.AcceptAsync([NewMention("parked", text: "a third text that will be parked")], CancellationToken.None);
        var parked = (await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None)).ShouldHaveSingleItem();
        await Ledger.ParkAsync("parked", "indexing failed", CancellationToken.None);

        // Processed: one published before the seed's window, and two near its start written with their posters' offsets: 04:00
        // at -05:00 is inside (09:00 UTC), 15:00 at +08:00 is not (07:00 UTC). One more still pending when the seed is read.
        var since = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        await Ledger.AcceptAsync(
            [
                NewMention("old", text: "an old complaint about the refund desk") with { PublishedAt = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero) },
                NewMention("west", text: "the refund desk in Toronto never called back") with { PublishedAt = new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.FromHours(-5)) },
                NewMention("east", text: "外卖送到已经凉了，客服电话一直打不通") with { PublishedAt = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.FromHours(8)) },
            ],
            CancellationToken.None);
        var later = await Ledger.ReadPendingAsync(parked.Sequence, 10, Lease, CancellationToken.None);
        later.Count.ShouldBe(3);
        await Ledger.CompleteAsync(later, CancellationToken.None);
        await Ledger.AcceptAsync([NewMention("pending", text: "a fourth text still waiting for the pipeline")], CancellationToken.None);

        // The near-duplicate index is seeded with each processed mention's id and original, published since the window's
        // start as an instant; a parked, a pending and an older one are not read.
        var rows = new List<FingerprintRow>();
        await foreach (var row in Ledger.ReadFingerprintsAsync(since, CancellationToken.None))
        {
            rows.Add(row);
        }

        rows.Select(f => (f.Id, f.DuplicateOf)).ShouldBe([("a", null), ("b", "a"), ("west", null)]);
        rows.Select(f => f.Sequence).ShouldBe([.. pending.Select(e => e.Sequence), later.Single(e => e.Mention.Id == "west").Sequence]);
        rows.ShouldAllBe(f => f.Fingerprint != 0);
        rows[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        rows[2].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

        var everything = new List<string>();
        await foreach (var row in Ledger.ReadFingerprintsAsync(DateTimeOffset.UnixEpoch, CancellationToken.None))
        {
            everything.Add(row.Id);
        }

        everything.ShouldBe(["a", "b", "old", "west", "east"], "from the epoch the older ones are read too, still not the parked or the pending one");
    }

    [Fact]
    public async Task TheFingerprintIsStoredAtIntakeAndKeptThroughCompletionAndRescoring()
    {
        // The near-duplicate index is seeded from these at start-up: the intake writes them once,
        // and completing or rescoring must not change them.
        await Ledger.AcceptAsync([NewMention("a"), NewMention("b", text: "转发: 外卖送到已经凉了，客服也不回")], CancellationToken.None);
        var pending = await Ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        var atIntake = pending.ToDictionary(e => e.Sequence, e => e.Mention.Fingerprint);
        atIntake.Count.ShouldBe(2);
        atIntake.Values.ShouldAllBe(f => f != 0);
        pending.ShouldAllBe(e => e.Mention.Fingerprint == SimHash.Compute(e.Mention.Text));

        await Ledger.CompleteAsync(pending, CancellationToken.None);
        await Ledger.UpdateScoresAsync(pending.Select(e => e with { Mention = e.Mention with { ScoredBy = "rescored" } }).ToList(), CancellationToken.None);

        var stored = new Dictionary<long, ulong>();
        await foreach (var row in Ledger.ReadFingerprintsAsync(DateTimeOffset.UnixEpoch, CancellationToken.None))
        {
            stored[row.Sequence] = row.Fingerprint;
        }

        stored.ShouldBe(atIntake);
    }
}

public sealed class MentionLedgerOnSqlite : MentionLedgerContract
{
    protected override StateStoreProvider Provider => StateStoreProvider.Sqlite;

    [Fact]
    public async Task AWriteThatFailsLeavesNothingAndTheNextWriteWorks()
    {
        // The ledger writes through one connection of its own (decision 204): a failed write must not leave it unusable.
        await using var store = await StateStore.CreateAsync(StateStoreProvider.Sqlite, "writer");
        store.Options.BusyTimeout = TimeSpan.FromSeconds(1);
        await using var services = store.Services();
        await StateStore.MigrateAsync(services);
        var ledger = services.GetRequiredService<MentionLedger>();
        await ledger.AcceptAsync([NewMention("a")], CancellationToken.None);

        // Another process holds SQLite's write lock longer than the busy timeout.
        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Options.StateDatabasePath};Pooling=False"))
        {
            await other.OpenAsync();
            using var holding = other.BeginTransaction(deferred: false);
            await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => ledger.AcceptAsync([NewMention("b")], CancellationToken.None));
            var pending = await ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
            await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => ledger.CompleteAsync(pending, CancellationToken.None));
            holding.Rollback();
        }

        await ledger.AcceptAsync([NewMention("b")], CancellationToken.None);
        var both = await ledger.ReadPendingAsync(0, 10, Lease, CancellationToken.None);
        both.Select(e => e.Mention.Id).ShouldBe(["a", "b"]);
        await ledger.CompleteAsync(both, CancellationToken.None);
        var counts = await ledger.CountAsync(CancellationToken.None);
        counts.Processed.ShouldBe(2);
        counts.Pending.ShouldBe(0);
    }
}

public sealed class MentionLedgerOnPostgreSql : MentionLedgerContract
{
    protected override StateStoreProvider Provider => StateStoreProvider.PostgreSql;
}
