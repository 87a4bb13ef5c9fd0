using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// The whole path the issue asks for: IMentionIntake → pipeline (dedupe, watch matching,
/// scoring) → a real Lucene index on a temp dir → IncidentDesk as the pipeline's observer →
/// Hangfire job → webhook on 127.0.0.1, with the manual clock.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PipelineToAlertTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private int _next;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private Mention Post(DateTimeOffset at, string text)
    {
        var n = Interlocked.Increment(ref _next);
        var externalId = $"p{n}";
        return new Mention
        {
            Id = MentionId.For("forum", externalId, null),
            Source = "forum",
            ExternalId = externalId,
            Url = $"https://forum.example.com/t/{n}",
            Author = $"user{n}",
            Text = $"{text} (post {n}, thread {n * 7919 % 1000})",
            PublishedAt = at,
            CollectedAt = at,
            Engagement = new Engagement(Reach: 10),
        };
    }

    private static async Task SettleAsync(AlertingTestHost host, long processed)
    {
        var ledger = host.App.Services.GetRequiredService<SentimentWatch.Storage.Mentions.MentionLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var counts = await ledger.CountAsync(default);
            if (counts.Pending == 0 && counts.Processed + counts.Parked >= processed)
            {
                counts.Parked.ShouldBe(0);
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the pipeline did not settle {processed} mentions: {counts}");
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ASixfoldNegativeBurstThroughIntakePipelineAndLuceneIndex_FiresExactlyOneSpikeAlertToTheWebhook_WithTheComplaintWordsTestScorer()
    {
        var settings = new AlertingSettings().Spike().Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings["Replay:Enabled"] = "false";
        settings["Pipeline:BatchSize"] = "16";
        settings["Pipeline:ChannelCapacity"] = "64";
        settings["Pipeline:PollInterval"] = "00:00:00.100";
        settings["Watches:0:Id"] = "brand";
        settings["Watches:0:Query"] = "lumo OR 绿莫";
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings, capabilities: b =>
        {
            b.AddIndexing();
            b.AddMentionPipeline();
            b.Services.AddSingleton<IMentionScorer, ComplaintWordsTestScorer>();
        });
        var intake = host.App.Services.GetRequiredService<IMentionIntake>();
        host.App.Services.GetRequiredService<IMentionIndex>().ShouldBeOfType<SentimentWatch.Indexing.Lucene.LuceneMentionIndex>();
        var clock = host.Clock;

        // 80 minutes of steady traffic (so the history spans the spike's 70-minute baseline): 5 negatives and 15 others per 10 minutes.
        var hourAgo = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(80));
        var steady = Enumerable.Range(0, 80).SelectMany(minute =>
        {
            var at = hourAgo.AddMinutes(minute).AddSeconds(20);
            var batch = new List<Mention> { Post(at, "lumo latte was fine"), Post(at, "lumo opens a new store") };
            if (minute % 2 == 0)
            {
                batch.Add(Post(at, "lumo refund still missing"));
            }
            else
            {
                batch.Add(Post(at, "lumo croissant ok"));
            }

            return batch;
        }).ToList();
        await intake.AcceptAsync(steady, default);
        await SettleAsync(host, steady.Count);
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "steady traffic never fires")).ShouldBeEmpty();

        // The next ten minutes: 30 negatives, six times the baseline.
        var burstStart = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(10));
        var burst = Enumerable.Range(0, 30).Select(i => Post(burstStart.AddSeconds(10 + (i * 19)), "绿莫 lumo 门店漏水 refund now")).ToList();
        await intake.AcceptAsync(burst, default);
        await SettleAsync(host, steady.Count + burst.Count);

        var opened = await _receiver.NextAsync();
        opened.Kind.ShouldBe("opened");
        opened.Json.GetProperty("ruleKind").GetString().ShouldBe("negativeSpike");
        opened.Json.GetProperty("watch").GetString().ShouldBe("brand");
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "one alert per incident, announced once")).ShouldHaveSingleItem();
        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.SingleAsync();
            alert.Kind.ShouldBe(CrisisRuleKind.NegativeSpike);
            alert.Measured.ShouldBe(6, 0.01);
        }

        var index = host.App.Services.GetRequiredService<IMentionIndex>();
        (await index.HealthAsync(default)).DocumentCount.ShouldBe(steady.Count + burst.Count);
        (await index.GetAsync(burst[0].Id, default))!.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
    }
}

/// <summary>A tiny deterministic test scorer: complaint words make a mention negative, anything else positive.</summary>
public sealed class ComplaintWordsTestScorer : IMentionScorer
{
    private static readonly string[] Complaints = ["refund", "退款", "漏水", "食物中毒", "food poisoning"];

    public string? ModelVersion => "complaint-words-test-1";

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) =>
        texts.Select(t => (MentionScore?)new MentionScore(
            Complaints.Any(w => t.Contains(w, StringComparison.OrdinalIgnoreCase))
                ? new SentimentScore(SentimentLabel.Negative, 0.85f, 0.1f, 0.05f)
                : new SentimentScore(SentimentLabel.Positive, 0.05f, 0.15f, 0.8f),
            null,
            [])).ToList();
}
