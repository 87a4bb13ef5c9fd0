using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// The demo's crisis as a PR person receives it (decision 225): a critical incident opened by high-risk terms in a
/// 30-minute window and an influencer post, over a usual trickle of negatives, received over real HTTP by a webhook on
/// the defaults and a DingTalk robot in zh-CN / Asia/Shanghai, read back through the API and the case port.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CrisisMessageTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private readonly Dictionary<string, ReceivedWebhook> _opened = [];

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("risk", "riskTerms", "brand", ("Severity", "critical"), ("MinCount", "3"), ("Window", "00:30:00"), ("Terms", "食物中毒,food poisoning"))
            .Rule("loud", "influencer", "brand", ("MinReach", "100000"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings.ChatRobot("cn-robot", "dingtalk", _receiver.Url("cn-robot"), "zh-CN", "Asia/Shanghai");
        _host = await AlertingTestHost.StartAsync(_data.Path, settings);

        // The usual: a negative post every 20 minutes over the four hours before, none with a risk term.
        var now = _host.Clock.GetUtcNow();
        await _host.Desk.OnIndexedAsync(
            [.. Enumerable.Range(2, 11).Select(i => Mentions.Negative(now - TimeSpan.FromMinutes(20 * i), text: "slow service again", author: $"regular{i}"))], default);
        // Then three complaints of food poisoning from three people in the last half hour, the last one loud.
        await _host.Desk.OnIndexedAsync(
        [
            Mentions.Negative(now - TimeSpan.FromMinutes(25), text: "吃完拉肚子，怀疑食物中毒 food poisoning", author: "a1"),
            Mentions.Negative(now - TimeSpan.FromMinutes(15), text: "同事也食物中毒了 food poisoning", author: "a2"),
            Mentions.Negative(now - TimeSpan.FromMinutes(2), text: "绿莫咖啡食物中毒，三个人进医院 food poisoning", reach: 300_000, source: "weibo", author: "foodie_li"),
        ], default);
        while (_opened.Count < 2)
        {
            var next = await _receiver.NextAsync();
            _opened[next.Path] = next;
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public void TheLeadSaysWhatFired_StrongestFirst_InTheRulesWindow_AndTheContextAgrees()
    {
        var json = _opened["pr-hook"].Json;
        var what = json.GetProperty("whatHappened").GetString()!;
        what.ShouldStartWith("3 posts with high-risk terms (");
        what.ShouldContain(") in 30 min from 3 authors; one negative post with a reach of 300,000 in 10 min. ");
        what.ShouldContain("Negative posts in the last 30 min: 3 of 3 (100%)", customMessage: "the context counts in the lead signal's window");
        what.ShouldNotContain("in the last 10 min", customMessage: "no sentence about a window that did not fire");
        what.ShouldNotMatch(@"\b0\.\d+x the usual", "a crisis is not described as below the usual");
    }

    [Fact]
    public void TheContext_GivesTheUsualCountInTheSameClause_WithoutASecondParenthesis()
    {
        var reading = new WindowReading
        {
            At = DateTimeOffset.UnixEpoch, Window = TimeSpan.FromMinutes(30), Mentions = 5, Negatives = 4, NegativeReach = 1_000,
            UsualNegatives = 3.3, RecentNegatives = 2, EarlierNegatives = 2,
        };

        reading.Describe(chinese: false).ShouldBe("4 negative posts in the last 30 min (80% of 5), usually about 3 per 30 min; 2 of them in the last 15 min, steady; negative reach 1,000.");
        reading.Describe(chinese: true).ShouldContain("（占 5 条的 80%），平时每 30 分钟约 3 条；");
    }

    [Fact]
    public void TheChineseLeadSaysTheSame()
    {
        var text = _opened["cn-robot"].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        text.ShouldContain("30 分钟内 3 条帖子含高风险词（");
        text.ShouldContain("），来自 3 位作者；10 分钟内 1 条负面帖子触达 300,000。近 30 分钟负面帖子共 3 条（占 3 条的 100%）");
    }

    [Fact]
    public void EnglishCounts_AreSingularForOne()
    {
        var lines = _opened["pr-hook"].Json.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("line").GetString()!).ToList();
        lines.ShouldContain(l => l.EndsWith(": 1 negative mention with reach of at least 100,000 in the last 10 min (largest 300,000)", StringComparison.Ordinal));
        string.Join("\n", lines).ShouldNotContain("1 negative mentions");
    }

    [Fact]
    public void TopTerms_DoNotRepeatThemselves()
    {
        var terms = _opened["pr-hook"].Json.GetProperty("topTerms").EnumerateArray().Select(t => t.GetString()!).ToList();
        terms.ShouldContain("food poisoning");
        foreach (var term in terms)
        {
            terms.Where(other => other != term).ShouldNotContain(other => other.Contains(term, StringComparison.OrdinalIgnoreCase), $"'{term}' is part of another listed term");
        }
    }

    [Fact]
    public async Task OneIncident_HasOneHumanTitle_InMessagesTheApiAndTheCasePort()
    {
        var json = _opened["pr-hook"].Json;
        json.GetProperty("title").GetString().ShouldBe("[CRITICAL] brand: high-risk complaints, high-reach negative post");
        _opened["cn-robot"].Json.GetProperty("markdown").GetProperty("title").GetString().ShouldBe("【严重】brand：高风险投诉、高影响力负面帖");

        var id = json.GetProperty("alertId").GetInt64();
        var view = await _host.Client("pr").GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        view.GetProperty("title").GetString().ShouldBe("brand: high-risk complaints, high-reach negative post");
        view.GetProperty("titleZh").GetString().ShouldBe("brand：高风险投诉、高影响力负面帖");
        view.GetProperty("signalKinds").EnumerateArray().Select(k => k.GetString()).ShouldBe(["riskTerms", "influencer"], "rule kinds stay machine fields");

        var link = await _host.App.Services.GetRequiredService<IAlertDirectory>().FindAsync(id, default);
        link!.Title.ShouldBe("brand: high-risk complaints, high-reach negative post", "the case page names the incident the same way");
        link.TitleZh.ShouldBe("brand：高风险投诉、高影响力负面帖");
    }

    [Fact]
    public void AllPosts_OpensTheAlertPagesMentions_WhichThePrRoleMayOpen()
    {
        var json = _opened["pr-hook"].Json;
        json.GetProperty("mentionsLink").GetString().ShouldBe($"https://watch.example.com/alerts/{json.GetProperty("alertId").GetInt64()}#mentions");
    }

    [Fact]
    public async Task NotificationCount_CountsWhatAChannelTook()
    {
        var id = _opened["pr-hook"].Json.GetProperty("alertId").GetInt64();
        var view = await _host.Client("pr").GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        view.GetProperty("notificationCount").GetInt32().ShouldBe(1, "one announcement, to two channels");
    }
}

/// <summary>An incident on a watch no channel takes: nobody was notified, and the alert says so (decision 225).</summary>
[Collection(HostCollection.Name)]
public sealed class UnroutedIncidentTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings().Rule("risk", "riskTerms", "brand", ("Severity", "critical"), ("MinCount", "1"), ("Terms", "食物中毒")));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task AnIncidentNoChannelTakes_CountsNoNotification_AndIsAnnouncedOnce()
    {
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), text: "食物中毒")], default);
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        await _host.Desk.EvaluateAllAsync(default);

        var page = await _host.Client("pr").GetFromJsonAsync<JsonElement>("/api/alerts?status=open");
        var alert = page.GetProperty("items")[0];
        alert.GetProperty("notificationCount").GetInt32().ShouldBe(0);
        alert.GetProperty("lastNotifiedAt").ValueKind.ShouldBe(JsonValueKind.Null);

        await using var db = await _host.DbAsync();
        var notes = await db.Timeline.Where(t => t.Kind == TimelineKinds.Notification).Select(t => t.Text).ToListAsync();
        notes.ShouldBe(["opened (critical): no channel takes it"], "announced once, not again at every evaluation");
    }
}
