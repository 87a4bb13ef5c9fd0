using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>Baseline rules wait until the evidence history spans their baseline; risk terms do not.</summary>
[Collection(HostCollection.Name)]
public sealed class ColdStartTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private Task<AlertingTestHost> StartAsync() => AlertingTestHost.StartAsync(_data.Path, new AlertingSettings()
        .Spike()
        .Rule("risk", "riskTerms", "brand", ("Terms", "食物中毒"), ("MinCount", "1"), ("EscalateAt", "50"), ("ClearFor", "00:05:00"))
        .Rule("share", "negativeShare", "brand", ("Threshold", "0.99"), ("MinCount", "1000"))
        .Webhook("pr-hook", _receiver.Url("pr-hook")));

    private static async Task StormAsync(AlertingTestHost host)
    {
        for (var minute = 0; minute < 10; minute++)
        {
            var batch = Enumerable.Range(0, 3).Select(_ => Mentions.Negative(host.Clock.GetUtcNow(), text: "门店漏水 refund")).ToList();
            if (minute == 9)
            {
                batch.Add(Mentions.Negative(host.Clock.GetUtcNow(), text: "食物中毒 after lunch"));
            }

            await host.Desk.OnIndexedAsync(batch, default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task ANewWatchWithTrafficButNoHistory_RaisesNoSpike_ButRiskTermsStillFire_AndTheRulesApiSaysWhenTheSpikeIsReady_WithHeaderRoleTestAuth()
    {
        await using var host = await StartAsync();
        var first = host.Clock.GetUtcNow();
        await StormAsync(host);

        var opened = await _receiver.NextAsync();
        opened.Kind.ShouldBe("opened");
        opened.Json.GetProperty("ruleKind").GetString().ShouldBe("riskTerms", "30 negatives on an empty baseline are no spike; the risk term still fires");
        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.Include(a => a.Signals).SingleAsync();
            alert.Signals.Select(s => s.Kind).ShouldBe([CrisisRuleKind.RiskTerms]);
        }

        var rules = await host.Client().GetFromJsonAsync<JsonElement>("/api/alerts/rules");
        var spike = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "spike");
        spike.GetProperty("needsBaseline").GetBoolean().ShouldBeTrue();
        spike.GetProperty("baselineSpan").GetString().ShouldBe("01:10:00");
        var brand = spike.GetProperty("baselines").EnumerateArray().Single();
        brand.GetProperty("watch").GetString().ShouldBe("brand");
        brand.GetProperty("ready").GetBoolean().ShouldBeFalse();
        brand.GetProperty("historySince").GetDateTimeOffset().ShouldBe(first);
        brand.GetProperty("readyAt").GetDateTimeOffset().ShouldBe(first.AddMinutes(70));
        var risk = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "risk");
        risk.GetProperty("needsBaseline").GetBoolean().ShouldBeFalse();
        risk.GetProperty("baselines").EnumerateArray().Single().GetProperty("ready").GetBoolean().ShouldBeTrue();

        // Once the history spans the baseline (70 min of it, the storm included), a real surge fires the spike.
        for (var minute = 10; minute < 80; minute++)
        {
            await host.Desk.OnIndexedAsync([Mentions.Negative(host.Clock.GetUtcNow(), text: "cold latte"), Mentions.Neutral(host.Clock.GetUtcNow())], default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        (await host.Client().GetFromJsonAsync<JsonElement>("/api/alerts/rules")).EnumerateArray().Single(r => r.GetProperty("id").GetString() == "spike")
            .GetProperty("baselines")[0].GetProperty("ready").GetBoolean().ShouldBeTrue();
        var resolved = await _receiver.NextAsync();
        resolved.Kind.ShouldBe("resolved", "the risk-term incident ended before the history was complete");
        for (var minute = 0; minute < 10; minute++)
        {
            await host.Desk.OnIndexedAsync(Enumerable.Range(0, 8).Select(_ => Mentions.Negative(host.Clock.GetUtcNow(), text: "门店漏水 refund")).ToList(), default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var spikeOpened = await _receiver.NextAsync();
        spikeOpened.Kind.ShouldBe("opened");
        spikeOpened.Json.GetProperty("ruleKind").GetString().ShouldBe("negativeSpike");
    }
    /// <summary>
    /// Decision 251: a new watch's first crawl carries one post from eight days ago (a dead thread on a forum's first page).
    /// Before, that post dated the history, the spike's 70-minute baseline was "ready" at once, and the first ordinary burst
    /// on the empty baseline was a surge. Now the history starts when the service first saw the watch.
    /// </summary>
    [Fact]
    public async Task OneOldPostInANewWatchsFirstCrawl_DoesNotMakeTheBaselineReady_WithHeaderRoleTestAuth()
    {
        await using var host = await StartAsync();
        var first = host.Clock.GetUtcNow();
        var old = first.AddDays(-8);
        await host.Desk.OnIndexedAsync([Mentions.Neutral(old)], default);
        await StormAsync(host);

        var opened = await _receiver.NextAsync();
        opened.Json.GetProperty("ruleKind").GetString().ShouldBe("riskTerms", "one old post is no baseline: 30 negatives on it are no spike");
        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.Include(a => a.Signals).SingleAsync()).Signals.Select(s => s.Kind).ShouldBe([CrisisRuleKind.RiskTerms]);
        }

        var brand = (await host.Client().GetFromJsonAsync<JsonElement>("/api/alerts/rules")).EnumerateArray()
            .Single(r => r.GetProperty("id").GetString() == "spike").GetProperty("baselines").EnumerateArray().Single();
        brand.GetProperty("ready").GetBoolean().ShouldBeFalse();
        brand.GetProperty("historySince").GetDateTimeOffset().ShouldBe(old, "the earliest post is still reported");
        brand.GetProperty("observedSince").GetDateTimeOffset().ShouldBe(first);
        brand.GetProperty("baselineSince").GetDateTimeOffset().ShouldBe(first);
        brand.GetProperty("readyAt").GetDateTimeOffset().ShouldBe(first.AddMinutes(70));
    }

    /// <summary>
    /// Decision 071 still holds for a real backfill: twenty or more past posts (a replay, an archive import) are history,
    /// so the baseline is ready from the earliest post that makes the twentieth; nineteen are not enough.
    /// </summary>
    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public async Task ABackfillOfTwentyPastPosts_IsHistory_AndNineteenAreNot_WithHeaderRoleTestAuth(int posts, bool ready)
    {
        await using var host = await StartAsync();
        var now = host.Clock.GetUtcNow();
        var backfill = Enumerable.Range(0, posts).Select(i => Mentions.Neutral(now.AddHours(-3).AddMinutes(i))).ToList();
        // Delivered twice (at least once): the same posts are not counted twice.
        await host.Desk.OnIndexedAsync(backfill, default);
        await host.Desk.OnIndexedAsync(backfill.Take(10).ToList(), default);

        var brand = (await host.Client().GetFromJsonAsync<JsonElement>("/api/alerts/rules")).EnumerateArray()
            .Single(r => r.GetProperty("id").GetString() == "spike").GetProperty("baselines").EnumerateArray().Single();
        brand.GetProperty("ready").GetBoolean().ShouldBe(ready);
        brand.GetProperty("baselineSince").GetDateTimeOffset().ShouldBe(ready ? now.AddHours(-3).AddMinutes(19) : now);
    }
}
