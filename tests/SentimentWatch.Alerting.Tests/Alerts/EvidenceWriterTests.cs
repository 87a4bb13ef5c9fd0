using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>Evidence rows are written by a raw multi-row upsert (decision 189); on both state stores they must read back as EF wrote them.</summary>
[Collection(HostCollection.Name)]
public sealed class EvidenceWriterTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Evidence_rows_read_back_whole_and_a_rescored_redelivery_refreshes_its_row_without_a_second_one(string provider)
    {
        var settings = new AlertingSettings().Spike().Rule("risk", "riskTerms", "brand", ("Terms", "漏水"), ("MinCount", "1000"));
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("evidencewriter") : null;
        if (database is not null)
        {
            settings["Storage:Provider"] = provider;
            settings["Storage:ConnectionString"] = database.ConnectionString;
        }

        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings);
        var at = host.Clock.GetUtcNow().AddMinutes(-3).AddTicks(1_234_000);
        // More than one statement's worth (200 rows), so the batch is written in several.
        var batch = Enumerable.Range(0, 450).Select(i => Mentions.Negative(at.AddSeconds(-i), text: $"漏水 leak {i}", reach: i) with { Author = i % 2 == 0 ? null : $"author{i}" }).ToList();
        await host.Desk.OnIndexedAsync(batch, default);

        var rescored = batch[7] with { Sentiment = new(SentimentLabel.Positive, 0.05f, 0.15f, 0.8f), Engagement = new Engagement(Reach: 99_999) };
        await host.Desk.OnIndexedAsync([rescored, rescored], default);

        await using var db = await host.DbAsync();
        var rows = await db.Evidence.AsNoTracking().ToDictionaryAsync(e => e.MentionId);
        rows.Count.ShouldBe(450);
        var first = rows[batch[0].Id];
        first.WatchId.ShouldBe("brand");
        first.At.ShouldBe(at.ToUniversalTime(), "the stored value keeps 0.1 ms, as EF Core's converter does");
        first.Sentiment.ShouldBe(SentimentLabel.Negative);
        first.Reach.ShouldBe(0);
        first.Author.ShouldBeNull();
        first.Excerpt.ShouldBe("漏水 leak 0");
        first.RiskTermList.ShouldContain("漏水", "the rule's risk term is found in the text");
        rows[batch[1].Id].Author.ShouldBe("author1");
        var refreshed = rows[batch[7].Id];
        refreshed.Sentiment.ShouldBe(SentimentLabel.Positive);
        refreshed.Reach.ShouldBe(99_999);
        refreshed.At.ShouldBe(batch[7].PublishedAt.ToUniversalTime(), "a re-score does not move the row in time");
    }
}
