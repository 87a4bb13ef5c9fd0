using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// Each channel writes in its readers' language and time zone (decision 218): one incident, received over real HTTP on
/// 127.0.0.1 by a DingTalk robot set to zh-CN / Asia/Shanghai, a webhook on the defaults and a webhook in Europe/Berlin.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class MessageLanguageTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private Dictionary<string, ReceivedWebhook> _opened = [];
    private Dictionary<string, ReceivedWebhook> _resolved = [];

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("risk", "riskTerms", "brand", ("Severity", "critical"), ("MinCount", "1"), ("Terms", "起火,fire"), ("Window", "00:10:00"), ("ClearFor", "00:05:00"))
            .Rule("loud", "influencer", "brand", ("MinReach", "100000"), ("Window", "00:10:00"), ("ClearFor", "00:05:00"))
            .Playbook("brand-critical", "brand", "critical", ("holding-statement", "发布情况说明 / holding statement", "PR lead", "00:30:00", "法务审阅 / legal review"))
            .Webhook("hq-hook", _receiver.Url("hq-hook"))
            .Webhook("berlin-hook", _receiver.Url("berlin-hook"));
        settings["Alerting:Delivery:Webhooks:1:TimeZone"] = "Europe/Berlin";
        settings.ChatRobot("cn-robot", "dingtalk", _receiver.Url("cn-robot"), "zh-CN", "Asia/Shanghai");

        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), text: "门店起火 store on fire", reach: 150_000, source: "weibo", author: "江边散步的猫")], default);
        _opened = await OneFromEachChannelAsync();

        _host.Clock.Advance(TimeSpan.FromMinutes(11));
        await _host.Desk.EvaluateAllAsync(default);
        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        await _host.Desk.EvaluateAllAsync(default);
        _resolved = await OneFromEachChannelAsync();
    }

    /// <summary>The next message of each of the three channels, by the receiver's path (the channel's name).</summary>
    private async Task<Dictionary<string, ReceivedWebhook>> OneFromEachChannelAsync()
    {
        var received = new Dictionary<string, ReceivedWebhook>();
        while (received.Count < 3)
        {
            var next = await _receiver.NextAsync();
            received[next.Path] = next;
        }

        return received;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public void ChineseRobot_GetsTheBriefingInChineseWithBeijingTimes()
    {
        var markdown = _opened["cn-robot"].Json.GetProperty("markdown");
        var title = markdown.GetProperty("title").GetString()!;
        title.ShouldStartWith("【严重】brand：");
        title.ShouldContain("高风险投诉");
        title.ShouldContain("高影响力负面帖");
        var text = markdown.GetProperty("text").GetString()!;
        text.ShouldContain("10 分钟内 1 条帖子含高风险词（起火、fire），来自 1 位作者；1 条负面帖子触达 150,000。近 10 分钟负面帖子共 1 条（占 1 条的 100%）",
            customMessage: "the lead says what fired, strongest first, in the rule's window (decision 225)");
        text.ShouldContain("高风险投诉（严重）：近 10 分钟含高风险词（起火、fire）的负面提及 1 条（阈值 1）");
        text.ShouldContain("高影响力负面帖（警告）：近 10 分钟触达不低于 100,000 的负面提及 1 条（最大 150,000）");
        text.ShouldContain("weibo · @江边散步的猫 · 触达 150,000 · 16:00 北京时间 — 门店起火 store on fire", customMessage: "08:00 UTC is 16:00 in Beijing");
        text.ShouldContain("下一步：发布情况说明 / holding statement（负责人：PR lead），截止 16:30 北京时间（事件开始后 30 分钟内）。",
            customMessage: "the playbook's first step, due 08:30 UTC = 16:30 in Beijing");
        text.ShouldContain("[查看事件](https://watch.example.com/alerts/1)");
        text.ShouldContain("[全部帖子](https://watch.example.com/alerts/1#mentions)");
        text.ShouldNotContain("UTC");
        text.ShouldNotContain("Top terms");
    }

    [Fact]
    public void ChineseRobot_GetsTheRecoveryInChinese()
    {
        var markdown = _resolved["cn-robot"].Json.GetProperty("markdown");
        markdown.GetProperty("title").GetString().ShouldBe("【已恢复】brand：事件结束（所有信号均已消除）");
        var text = markdown.GetProperty("text").GetString()!;
        text.ShouldContain("已恢复正常：近 10 分钟 0 条中负面 0 条");
        text.ShouldContain("已自动恢复：所有信号均已消除。");
        text.ShouldContain("，已消除）：", customMessage: "each signal says it cleared");
        text.ShouldNotContain("下一步", customMessage: "a recovery names no steps");
    }

    [Fact]
    public void DefaultWebhook_StaysEnglishInUtc_AndSaysSoInItsJson()
    {
        var json = _opened["hq-hook"].Json;
        json.GetProperty("language").GetString().ShouldBe("en");
        json.GetProperty("timeZone").GetString().ShouldBe("UTC");
        json.GetProperty("title").GetString()!.ShouldStartWith("[CRITICAL] brand: high-risk complaints");
        json.GetProperty("whatHappened").GetString()!.ShouldStartWith(
            "1 post with high-risk terms (起火, fire) in 10 min from 1 author; one negative post with a reach of 150,000. Negative posts in the last 10 min: 1 of 1 (100%)");
        json.GetProperty("signals")[0].GetProperty("line").GetString()!.ShouldBe("high-risk complaints (critical): 1 negative mention with high-risk terms (起火, fire) in the last 10 min (threshold 1)");
        var text = json.GetProperty("text").GetString()!;
        text.ShouldContain("weibo · @江边散步的猫 · reach 150,000 · 08:00 UTC — 门店起火 store on fire");
        text.ShouldContain("Incident 1, opened 2026-11-23 08:00 UTC.");
        text.ShouldContain("\n\nNext: 发布情况说明 / holding statement (owner: PR lead), due 08:30 UTC, 30 min after the start.\n\nWhy it fired:");
        text.ShouldNotContain("北京时间");
    }

    [Fact]
    public void WebhookInBerlin_GivesCentralEuropeanTimes()
    {
        var json = _opened["berlin-hook"].Json;
        json.GetProperty("language").GetString().ShouldBe("en");
        json.GetProperty("timeZone").GetString().ShouldBe("Europe/Berlin");
        var text = json.GetProperty("text").GetString()!;
        text.ShouldContain("Incident 1, opened 2026-11-23 09:00 UTC+1.", customMessage: "Berlin is UTC+1 in November");
        text.ShouldContain("reach 150,000 · 09:00 UTC+1 —");
        text.ShouldContain("Next: 发布情况说明 / holding statement (owner: PR lead), due 09:30 UTC+1, 30 min after the start.");
        _resolved["berlin-hook"].Json.GetProperty("text").GetString()!.ShouldNotContain("Next:", customMessage: "a recovery names no steps");
        _resolved["berlin-hook"].Json.GetProperty("text").GetString()!.ShouldContain("Resolved automatically at 2026-11-23 09:17 UTC+1: every signal stayed clear.");
    }

    [Fact]
    public async Task OverdueReminder_IsWrittenForEachChannel_LanguageAndZone()
    {
        _host.Clock.Advance(TimeSpan.FromMinutes(33));
        await _host.App.Services.GetRequiredService<ResponseStepWatch>().RunAsync(default);
        var notices = await OneFromEachChannelAsync();

        var markdown = notices["cn-robot"].Json.GetProperty("markdown");
        markdown.GetProperty("title").GetString().ShouldBe("【超时】brand：“发布情况说明 / holding statement”已超时 20 分钟（事件 1）");
        var zh = markdown.GetProperty("text").GetString()!;
        zh.ShouldContain("事件 1（brand，严重：高风险投诉、高影响力负面帖）开始于 2026-11-23 16:00 北京时间，");
        zh.ShouldContain("第 1/1 步“发布情况说明 / holding statement”，负责人 PR lead，截止 2026-11-23 16:30 北京时间（事件开始后 30 分钟内），已超时 20 分钟。");
        zh.ShouldContain("待核对：法务审阅 / legal review。");
        zh.ShouldContain("完成后请在此勾选：https://watch.example.com/alerts/1");
        zh.ShouldContain("提醒对象：PR lead");
        zh.ShouldNotContain("UTC");

        var hq = notices["hq-hook"].Json;
        hq.GetProperty("headline").GetString().ShouldBe("[OVERDUE] brand: \"发布情况说明 / holding statement\" is 20 min late (incident 1)");
        hq.GetProperty("summary").GetString()!.ShouldContain("was due 2026-11-23 08:30 UTC (within 30 min of the start) and is 20 min late.");
        var berlin = notices["berlin-hook"].Json;
        berlin.GetProperty("headline").GetString().ShouldBe(hq.GetProperty("headline").GetString());
        berlin.GetProperty("summary").GetString()!.ShouldContain("opened 2026-11-23 09:00 UTC+1, resolved 2026-11-23 09:17 UTC+1.");
        berlin.GetProperty("summary").GetString()!.ShouldContain("was due 2026-11-23 09:30 UTC+1");
    }

    [Fact]
    public async Task StaffNoticeFromAnotherCapability_IsWrittenForEachChannelByItsWriter()
    {
        var due = AlertingTestHost.Start.AddHours(2);
        var notice = new StaffNotice("case-12-first_response-warning-0", "SLA warning: case 12 first response due 2026-11-23 10:00 UTC", "Case 12: the first response is due.",
            "/cases/12", ["li.na"], style => (style.T("SLA warning: case 12 due ", "SLA 预警：工单 12 ") + style.Time(due), style.T("Case 12 is due at ", "工单 12 截止 ") + style.Time(due)));
        await _host.App.Services.GetRequiredService<IStaffNotifier>().NotifyAsync(notice, default);
        var received = await OneFromEachChannelAsync();

        var markdown = received["cn-robot"].Json.GetProperty("markdown");
        markdown.GetProperty("title").GetString().ShouldBe("SLA 预警：工单 12 2026-11-23 18:00 北京时间");
        markdown.GetProperty("text").GetString()!.ShouldContain("工单 12 截止 2026-11-23 18:00 北京时间");
        markdown.GetProperty("text").GetString()!.ShouldContain("提醒对象：li.na");
        received["hq-hook"].Json.GetProperty("headline").GetString().ShouldBe(notice.Title, "the default channel gets the notice as written");
        received["berlin-hook"].Json.GetProperty("headline").GetString().ShouldBe("SLA warning: case 12 due 2026-11-23 11:00 UTC+1");
    }
}
