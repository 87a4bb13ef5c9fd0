using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// One crisis, one incident: findings of risk terms, influencer and spike rules on one watch join
/// one incident, through the real path (intake → pipeline → Lucene → desk → Hangfire → webhook
/// on 127.0.0.1) with the manual clock.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OneIncidentPerCrisisTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private int _next;
    private long _accepted;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private Task<AlertingTestHost> StartAsync()
    {
        var settings = new AlertingSettings()
            .Rule("food-risk", "riskTerms", "lumo", ("Severity", "warning"), ("MinCount", "1"), ("EscalateAt", "50"), ("Window", "00:10:00"), ("ClearFor", "00:15:00"), ("Terms", "食物中毒,food poisoning"))
            .Rule("big-voices", "influencer", "lumo", ("Severity", "warning"), ("EscalateAt", "50"), ("MinReach", "100000"), ("Window", "00:10:00"), ("ClearFor", "00:15:00"))
            .Rule("volume", "negativeSpike", "lumo", ("Severity", "critical"), ("Window", "00:10:00"), ("Ratio", "3"), ("MinCount", "10"), ("EscalateAt", "50"), ("ClearFor", "00:15:00"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings["Replay:Enabled"] = "false";
        settings["Pipeline:BatchSize"] = "16";
        settings["Pipeline:PollInterval"] = "00:00:00.100";
        settings["Watches:0:Id"] = "lumo";
        settings["Watches:0:Name"] = "Lumo Coffee / 绿莫咖啡";
        settings["Watches:0:Query"] = "lumo OR 绿莫";
        return AlertingTestHost.StartAsync(_data.Path, settings, capabilities: b =>
        {
            b.AddIndexing();
            b.AddMentionPipeline();
            b.Services.AddSingleton<IMentionScorer, ComplaintWordsTestScorer>();
        });
    }

    private Mention Post(DateTimeOffset at, string text, long reach = 10)
    {
        var n = Interlocked.Increment(ref _next);
        return new Mention
        {
            Id = MentionId.For("weibo", $"w{n}", null),
            Source = "weibo",
            ExternalId = $"w{n}",
            Url = $"https://weibo.example.com/{n}",
            Author = $"user{n}",
            Text = $"{text} #{n}",
            PublishedAt = at,
            CollectedAt = at,
            Engagement = new Engagement(Reach: reach),
        };
    }

    /// <summary>Feeds mentions through the intake and waits until the pipeline has processed them all.</summary>
    private async Task FeedAsync(AlertingTestHost host, IReadOnlyList<Mention> mentions)
    {
        await host.App.Services.GetRequiredService<IMentionIntake>().AcceptAsync(mentions, default);
        _accepted += mentions.Count;
        var ledger = host.App.Services.GetRequiredService<SentimentWatch.Storage.Mentions.MentionLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var counts = await ledger.CountAsync(default);
            if (counts.Pending == 0 && counts.Processed + counts.Parked >= _accepted)
            {
                counts.Parked.ShouldBe(0);
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the pipeline did not settle {_accepted} mentions: {counts}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// 90 minutes of ordinary traffic (3-4 negatives per 10 minutes), replayed as a backfill: the history starts at its
    /// twentieth post, about 15 minutes in (decision 251), so the spike rule's 70-minute baseline is complete.
    /// </summary>
    private async Task OrdinaryHourAsync(AlertingTestHost host)
    {
        var start = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromMinutes(90));
        var posts = Enumerable.Range(0, 90).SelectMany(minute =>
        {
            var at = start.AddMinutes(minute).AddSeconds(30);
            return minute % 3 == 0
                ? new[] { Post(at, "lumo latte is fine"), Post(at, "lumo refund took a week") }
                : [Post(at, "绿莫 new store opens")];
        }).ToList();
        await FeedAsync(host, posts);
    }

    /// <summary>A food-safety storm: risk-term posts first, then a big account, then the volume.</summary>
    private async Task StormAsync(AlertingTestHost host)
    {
        var at = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await FeedAsync(host, [Post(at.AddSeconds(5), "绿莫 沙拉 食物中毒，全家拉肚子"), Post(at.AddSeconds(20), "lumo food poisoning after the salad")]);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await FeedAsync(host, [Post(at.AddSeconds(70), "绿莫 食物中毒 已经报警 refund", reach: 300_000)]);
        host.Clock.Advance(TimeSpan.FromMinutes(4));
        await FeedAsync(host, Enumerable.Range(0, 30).Select(i => Post(at.AddSeconds(130 + (i * 7)), "绿莫 拉肚子 要求退款")).ToList());
    }

    private async Task QuietUntilResolvedAsync(AlertingTestHost host)
    {
        for (var i = 0; i < 8; i++)
        {
            host.Clock.Advance(TimeSpan.FromMinutes(5));
            await host.Desk.EvaluateAllAsync(default);
        }
    }

    /// <summary>Hangfire delivers concurrently: two arrivals in the order they were decided (the n in alert-{id}-{n}-{channel}).</summary>
    private async Task<(ReceivedWebhook First, ReceivedWebhook Second)> NextTwoAsync()
    {
        var two = new[] { await _receiver.NextAsync(), await _receiver.NextAsync() }
            .OrderBy(r => int.Parse(r.Json.GetProperty("id").GetString()!.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (two[0], two[1]);
    }

    [Fact]
    public async Task AStormTrippingThreeRuleKinds_IsOneIncidentWithThreeSignals_OpenedOnceEscalatedOnceResolvedOnce_WithTheComplaintWordsTestScorer_AndHeaderRoleTestAuth()
    {
        await using var host = await StartAsync();
        await OrdinaryHourAsync(host);
        await StormAsync(host);

        var (opened, escalated) = await NextTwoAsync();
        opened.Kind.ShouldBe("opened");
        opened.Json.GetProperty("severity").GetString().ShouldBe("warning");
        escalated.Kind.ShouldBe("escalated", "the spike (critical) joined the incident the risk terms opened");
        escalated.Json.GetProperty("severity").GetString().ShouldBe("critical");
        escalated.Json.GetProperty("alertId").GetInt64().ShouldBe(opened.Json.GetProperty("alertId").GetInt64());

        // Reads like a briefing: the watch's name, one sentence, every signal, meaningful words, the loudest post, console links.
        var brief = escalated.Json;
        var id = brief.GetProperty("alertId").GetInt64();
        brief.GetProperty("watchName").GetString().ShouldBe("Lumo Coffee / 绿莫咖啡");
        // What fired, strongest first (the spike escalated to critical), then the same 10 min against the usual (decision 225).
        brief.GetProperty("whatHappened").GetString()!.ShouldMatch(
            @"^\d+ negative posts in 10 min, [\d.]+x the usual \((about )?\d+ per 10 min\); \d+ posts with high-risk terms \([^)]*食物中毒[^)]*\) from \d+ authors; one negative post with a reach of 300,000\. "
            + @"Negative posts in the last 10 min: \d+ of \d+ \(\d+%\), [\d.]+x the usual \((about )?\d+ per 10 min\); \d+ of them in the last 5 min, (rising|slowing|steady); negative reach [\d,]+\.$");
        brief.GetProperty("signals").GetArrayLength().ShouldBe(3);
        brief.GetProperty("signals")[0].GetProperty("what").GetString().ShouldBe("negative surge");
        var terms = brief.GetProperty("topTerms").EnumerateArray().Select(t => t.GetString()!).ToList();
        terms.ShouldContain("食物中毒");
        terms.ShouldContain("拉肚子");
        terms.ShouldNotContain(t => t.Contains("绿莫") || t.Contains("lumo") || t.Length < 2);
        brief.GetProperty("samples")[0].GetProperty("reach").GetInt64().ShouldBe(300_000, "the most influential post comes first");
        brief.GetProperty("samples")[0].GetProperty("url").GetString()!.ShouldStartWith("https://weibo.example.com/");
        brief.GetProperty("alertLink").GetString().ShouldBe($"https://watch.example.com/alerts/{id}");
        brief.GetProperty("mentionsLink").GetString().ShouldBe($"https://watch.example.com/alerts/{id}#mentions");

        // The pr role reads the posts behind its incident; other roles do not.
        var mentions = await host.Client("pr").GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/alerts/{id}/mentions?pageSize=5");
        mentions.GetProperty("total").GetInt32().ShouldBeGreaterThanOrEqualTo(33);
        mentions.GetProperty("items").GetArrayLength().ShouldBe(5);
        mentions.GetProperty("items")[0].GetProperty("text").GetString()!.ShouldContain("绿莫");
        mentions.GetProperty("items")[0].GetProperty("sentiment").GetString().ShouldBe("negative");
        (await host.Client("analyst").GetAsync($"/api/alerts/{id}/mentions")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);

        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.Include(a => a.Signals).SingleAsync();
            alert.IncidentKey.ShouldBe("lumo");
            alert.Severity.ShouldBe(AlertSeverity.Critical);
            alert.Kind.ShouldBe(CrisisRuleKind.NegativeSpike, "the strongest signal leads");
            alert.Signals.Select(s => s.Kind).Order().ShouldBe([CrisisRuleKind.NegativeSpike, CrisisRuleKind.RiskTerms, CrisisRuleKind.Influencer]);
            alert.Signals.Single(s => s.Kind == CrisisRuleKind.Influencer).PeakMeasured.ShouldBe(300_000);
            alert.Signals.Single(s => s.Kind == CrisisRuleKind.RiskTerms).PeakMeasured.ShouldBeGreaterThanOrEqualTo(3);
            alert.Signals.Single(s => s.Kind == CrisisRuleKind.NegativeSpike).PeakMeasured.ShouldBeGreaterThanOrEqualTo(3);
            (await db.AlertMentions.CountAsync(m => m.AlertId == alert.Id)).ShouldBeGreaterThanOrEqualTo(33);
        }

        await QuietUntilResolvedAsync(host);
        var resolved = await _receiver.NextAsync();
        resolved.Kind.ShouldBe("resolved");
        resolved.Json.GetProperty("alertId").GetInt64().ShouldBe(opened.Json.GetProperty("alertId").GetInt64());
        resolved.Json.GetProperty("whatHappened").GetString()!.ShouldMatch(@"^Back to normal: 0 negative of \d+ posts? in the last 10 min \(usually ((about )?\d+ per 10 min|none)\); at its peak there were \d+ in 10 min\.$");
        _receiver.Received.Select(r => r.Kind).Order().ToArray().ShouldBe(["escalated", "opened", "resolved"], "one incident: opened once, escalated once, resolved once");

        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.Include(a => a.Signals).SingleAsync();
            alert.Status.ShouldBe(AlertStatus.Resolved);
            alert.Signals.ShouldAllBe(s => s.ClearedAt != null);
            var timeline = await db.Timeline.Where(t => t.AlertId == alert.Id).OrderBy(t => t.Id).Select(t => t.Kind).ToListAsync();
            timeline.First().ShouldBe(TimelineKinds.Opened);
            timeline.Count(k => k == TimelineKinds.Notification).ShouldBe(3);
            timeline.Last().ShouldBe(TimelineKinds.Notification);
            timeline.Count(k => k == TimelineKinds.Signal).ShouldBeGreaterThanOrEqualTo(5, "two joined, three cleared");

            // The record in Chinese: the lines with a signal's numbers were written in Chinese too, the others translate.
            var lines = await db.Timeline.Where(t => t.AlertId == alert.Id).OrderBy(t => t.Id).ToListAsync();
            var joined = lines.Where(t => t.Text.Contains(" joined at ", StringComparison.Ordinal)).ToList();
            joined.Count.ShouldBe(2);
            joined.ShouldAllBe(t => t.TextZh != null && t.TextZh.Contains("并入本事件，级别：", StringComparison.Ordinal) && t.TextZh.Contains("条", StringComparison.Ordinal));
            lines[0].TextZh.ShouldNotBeNull().ShouldStartWith("事件开启：");
            var chinese = lines.Select(t => RecordChinese.Translate(t.Text, t.TextZh)).ToList();
            chinese.Count(l => l.Contains("已消除（自 ", StringComparison.Ordinal)).ShouldBe(3);
            chinese.ShouldAllBe(l => !l.Contains("joined at", StringComparison.Ordinal) && !l.Contains("cleared", StringComparison.Ordinal) && !l.Contains("negative", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TwoStormsSeparatedByAQuietHour_AreTwoIncidents_WithTheComplaintWordsTestScorer()
    {
        await using var host = await StartAsync();
        await OrdinaryHourAsync(host);
        await StormAsync(host);
        var (opened, escalated) = await NextTwoAsync();
        (opened.Kind, escalated.Kind).ShouldBe(("opened", "escalated"));
        await QuietUntilResolvedAsync(host);
        (await _receiver.NextAsync()).Kind.ShouldBe("resolved");

        host.Clock.Advance(TimeSpan.FromMinutes(25));
        await host.Desk.EvaluateAllAsync(default);
        await StormAsync(host);
        var second = await _receiver.NextAsync();
        second.Kind.ShouldBe("opened");

        await using var db = await host.DbAsync();
        var alerts = await db.Alerts.Include(a => a.Signals).OrderBy(a => a.Id).ToListAsync();
        alerts.Count.ShouldBe(2);
        alerts[0].Status.ShouldBe(AlertStatus.Resolved);
        alerts[1].IsOpen.ShouldBeTrue();
        second.Json.GetProperty("alertId").GetInt64().ShouldBe(alerts[1].Id);
        alerts[1].Signals.Select(s => s.Kind).ShouldContain(CrisisRuleKind.RiskTerms);
        _receiver.Received.Count(r => r.Kind == "opened").ShouldBe(2);
    }
}
