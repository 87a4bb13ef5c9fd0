using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// The evidence an evaluation reads from memory (decision 193) must be what it would have read from the SQLite store:
/// compared row for row after every batch of a random run with re-deliveries, a clock that moves on, windows that
/// grow and shrink, earlier weeks' ranges and retention.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class EvidenceWindowsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public Task Evidence_read_from_memory_matches_the_store_row_for_row_through_redeliveries_clock_moves_and_retention() => RunAsync(staged: false);

    /// <summary>
    /// Decision 199: the desk reads a batch's rows before it commits them. What it reads then must be what the store
    /// holds once the commit lands (and, after a commit that failed, what the store holds without them).
    /// </summary>
    [Fact]
    public Task Evidence_staged_before_its_commit_reads_as_the_store_holds_it_after_the_commit() => RunAsync(staged: true);

    /// <summary>
    /// Decision 228: a window of a watch with an emergingTopic rule keeps every row's text and matches the store field for field
    /// (re-deliveries here are often edited, which the store does not take). The two runs above, without it, hold rows that are not
    /// negative without their text and give a held row re-scored negative its stored text back.
    /// </summary>
    [Fact]
    public Task Evidence_held_with_every_rows_text_matches_the_store_field_for_field() => RunAsync(staged: false, allText: true);

    [Fact]
    public Task Evidence_staged_and_held_with_every_rows_text_matches_the_store_field_for_field() => RunAsync(staged: true, allText: true);

    [Fact]
    public async Task AWindowHeldWithoutTheTextOfRowsThatAreNotNegative_IsLoadedAgainWholeWhenARuleReadsEveryRowsText()
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings().Spike());
        var now = host.Clock.GetUtcNow();
        var random = new Random(228);
        var neutral = Row("brand", "n1", Stored(now - TimeSpan.FromMinutes(5)), random);
        neutral.Sentiment = SentimentLabel.Neutral;
        var negative = Row("brand", "x1", Stored(now - TimeSpan.FromMinutes(4)), random);
        negative.Sentiment = SentimentLabel.Negative;
        await using (var db = await host.DbAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await EvidenceWriter.UpsertAsync(db, [neutral, negative], default);
            await transaction.CommitAsync();
        }

        var windows = new EvidenceWindows();
        List<(DateTimeOffset From, DateTimeOffset To)> range = [(now - TimeSpan.FromMinutes(70), now)];
        await using (var db = await host.DbAsync())
        {
            var slim = await windows.ReadAsync(db, "brand", range, default, allText: false);
            slim.Single(e => e.MentionId == "n1").ShouldSatisfyAllConditions(e => e.TextDropped.ShouldBeTrue(), e => e.Excerpt.ShouldBe(""), e => e.Author.ShouldBeNull());
            slim.Single(e => e.MentionId == "x1").Excerpt.ShouldBe("text of x1");

            // An emergingTopic rule was added to the watch: the same window, read again, has every row's text.
            var whole = await windows.ReadAsync(db, "brand", range, default, allText: true);
            Describe(whole, allText: true).ShouldBe(Describe([neutral, negative], allText: true));
            whole.ShouldAllBe(e => !e.TextDropped);
        }

        windows.Count.ShouldBe(1);
    }

    private async Task RunAsync(bool staged, bool allText = false)
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings().Spike());
        var random = new Random(staged ? 199 : 193);
        var windows = new EvidenceWindows();
        var now = host.Clock.GetUtcNow();
        var written = new List<MentionEvidence>();
        string[] watches = ["brand", "rival"];
        var compared = 0;
        var fromMemory = 0;
        var stagedInEarlierRange = 0;
        var failedCommits = 0;
        var textless = 0;
        for (var round = 0; round < 120; round++)
        {
            now += TimeSpan.FromSeconds(random.Next(1, 240));
            var batch = new List<MentionEvidence>();
            for (var i = 0; i < random.Next(1, 60); i++)
            {
                if (written.Count > 0 && random.NextDouble() < 0.15)
                {
                    // A re-delivery, re-scored: the store keeps the row's time and takes the new scores.
                    var again = written[random.Next(written.Count)];
                    var redelivered = Row(again.WatchId, again.MentionId, again.At, random);
                    if (random.NextDouble() < 0.5)
                    {
                        // Edited since: the store keeps the text it has.
                        redelivered.Excerpt = $"edited {redelivered.Excerpt}";
                        redelivered.Author = "someone else";
                    }

                    batch.Add(redelivered);
                    continue;
                }

                var row = Row(watches[random.Next(watches.Length)], $"m{round}-{i}", Stored(now - TimeSpan.FromSeconds(random.Next(0, 5_400))), random);
                batch.Add(row);
                written.Add(row);
            }

            // A span that changes now and then (rules reconfigured) and, sometimes, last week's window too.
            var span = TimeSpan.FromMinutes(round % 30 < 20 ? 70 : random.Next(5, 90));
            List<(DateTimeOffset From, DateTimeOffset To)> ranges = random.NextDouble() < 0.3
                ? [(now - span - TimeSpan.FromHours(1), now - span - TimeSpan.FromMinutes(40)), (now - span, now)]
                : [(now - span, now)];

            var readBeforeCommit = new Dictionary<string, List<string>>();
            if (staged)
            {
                windows.Stage(batch);
                foreach (var watch in watches)
                {
                    await using var db = await host.DbAsync();
                    var held = await windows.ReadAsync(db, watch, ranges, default, allText);
                    readBeforeCommit[watch] = Describe(held, allText);
                    stagedInEarlierRange += ranges.Count == 2 ? held.Count(e => batch.Contains(e) && e.At <= ranges[0].To) : 0;
                }

                if (random.NextDouble() < 0.05)
                {
                    // The commit failed: the store never saw the batch, and the desk forgets what it held.
                    windows.Clear();
                    failedCommits++;
                    continue;
                }
            }

            await using (var db = await host.DbAsync())
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await EvidenceWriter.UpsertAsync(db, batch, default);
                await transaction.CommitAsync();
            }

            if (staged)
            {
                windows.Committed();
            }
            else
            {
                windows.Record(batch);
            }

            if (round % 40 == 39)
            {
                var expired = now - TimeSpan.FromMinutes(50);
                await using var db = await host.DbAsync();
                await db.Evidence.Where(e => e.At < expired).ExecuteDeleteAsync();
                windows.Forget(expired);
            }

            foreach (var watch in watches)
            {
                await using var db = await host.DbAsync();
                var stored = new List<MentionEvidence>();
                foreach (var (from, to) in ranges)
                {
                    stored.AddRange(await db.Evidence.AsNoTracking().Where(e => e.WatchId == watch && e.At > from && e.At <= to).ToListAsync());
                }

                if (staged && round % 40 != 39)
                {
                    readBeforeCommit[watch].ShouldBe(Describe(stored, allText), $"round {round}, watch {watch}: read before the commit");
                }

                var held = await windows.ReadAsync(db, watch, ranges, default, allText);
                Describe(held, allText).ShouldBe(Describe(stored, allText), $"round {round}, watch {watch}");
                held.Where(e => e.TextDropped).ShouldAllBe(e => !e.IsNegative && e.Excerpt == "" && e.Author == null && e.Url == null);
                textless += held.Count(e => e.TextDropped);
                compared += stored.Count;
                fromMemory += held.Count(e => e.At > ranges[^1].From);
            }
        }

        compared.ShouldBeGreaterThan(5_000, "the run compares many rows, not a handful");
        fromMemory.ShouldBeGreaterThan(compared / 2, "most rows come from memory");
        windows.Count.ShouldBe(2);
        if (allText)
        {
            textless.ShouldBe(0);
        }
        else
        {
            textless.ShouldBeGreaterThan(fromMemory / 3, "rows that are not negative are held without their text");
            windows.RestoredTexts.ShouldBeGreaterThan(0, "some held rows were re-scored negative and got their stored text back");
        }

        if (staged)
        {
            stagedInEarlierRange.ShouldBeGreaterThan(0, "some staged rows fall in an earlier range read from the store");
            failedCommits.ShouldBeGreaterThan(0, "some commits failed");
        }
    }

    private static MentionEvidence Row(string watch, string id, DateTimeOffset at, Random random) => new()
    {
        WatchId = watch,
        MentionId = id,
        At = at,
        Sentiment = (SentimentLabel)random.Next(0, 3),
        Source = random.NextDouble() < 0.5 ? "weibo" : "tieba",
        Topic = random.NextDouble() < 0.5 ? null : "refund",
        Author = $"a{random.Next(50)}",
        Reach = random.Next(0, 100_000),
        RiskTerms = random.NextDouble() < 0.1 ? "食物中毒" : "",
        Url = $"https://example.test/{id}",
        Excerpt = $"text of {id}",
    };

    // The store keeps 0.1 ms, as the desk's own rows do.
    private static DateTimeOffset Stored(DateTimeOffset at) => new(at.UtcTicks / 1_000 * 1_000, TimeSpan.Zero);

    /// <summary>Every field; without <paramref name="allText"/>, a row that is not negative without its author, link and text.</summary>
    private static List<string> Describe(IEnumerable<MentionEvidence> rows, bool allText) =>
        rows.Select(e => allText || e.IsNegative
                ? $"{e.WatchId}|{e.MentionId}|{e.At.UtcTicks}|{e.Sentiment}|{e.Source}|{e.Topic}|{e.Author}|{e.Reach}|{e.RiskTerms}|{e.Url}|{e.Excerpt}"
                : $"{e.WatchId}|{e.MentionId}|{e.At.UtcTicks}|{e.Sentiment}|{e.Source}|{e.Topic}|{e.Reach}|{e.RiskTerms}")
            .Order(StringComparer.Ordinal).ToList();
}
