using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Alerting.Tests.Support;
using Xunit.Abstractions;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// An announcement says what to do next (the response plan's first open steps, their owners and due times), received over
/// real HTTP on 127.0.0.1 by a webhook in English in New York time and a DingTalk robot in Chinese in Beijing time: a warning
/// opens with its playbook's first step; a PR person ticks it; the incident escalates into the critical playbook, whose
/// steps due within the first hour are named (three at most, the ticked one left out); a watch without a playbook says nothing.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class NextStepsInAnnouncementsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private Dictionary<string, ReceivedWebhook> _opened = [];
    private Dictionary<string, ReceivedWebhook> _escalated = [];
    private Dictionary<string, ReceivedWebhook> _openedWithoutPlan = [];

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("risk", "riskTerms", "*", ("Severity", "warning"), ("MinCount", "1"), ("EscalateAt", "3"), ("Window", "00:30:00"), ("ClearFor", "02:00:00"),
                ("Terms", "food poisoning,食物中毒"))
            .Playbook("brand-warning", "brand", "warning",
                ("verify", "核实事实 / verify the facts", "PR on duty", "01:00:00", ""),
                ("reply", "回复原帖 / reply to the posts", "social team", "04:00:00", ""))
            .Playbook("brand-critical", "brand", "critical",
                ("verify", "核实事实 / verify the facts", "PR on duty", "00:15:00", ""),
                ("holding-statement", "发布情况说明 / holding statement", "PR lead", "00:30:00", ""),
                ("leadership", "通报管理层 / brief leadership", "PR lead", "00:45:00", ""),
                ("customers", "联系受影响顾客 / contact the affected customers", "customer care lead", "01:00:00", ""),
                ("root-cause", "发布调查结果 / root-cause statement", "PR lead", "1.00:00:00", ""))
            .Webhook("ny-hook", _receiver.Url("ny-hook"));
        settings["Alerting:Delivery:Webhooks:0:TimeZone"] = "America/New_York";
        settings.ChatRobot("cn-robot", "dingtalk", _receiver.Url("cn-robot"), "zh-CN", "Asia/Shanghai");
        _host = await AlertingTestHost.StartAsync(_data.Path, settings);

        var start = _host.Clock.GetUtcNow();
        await _host.Desk.OnIndexedAsync([Mentions.Negative(start.AddMinutes(-1), text: "food poisoning after the latte")], default);
        _opened = await OneFromEachChannelAsync();

        // The PR person on duty verifies the facts before the critical playbook starts; it is not named again.
        _host.Clock.Advance(TimeSpan.FromMinutes(2));
        var pr = _host.Client("pr", "petra");
        var id = _opened["ny-hook"].Json.GetProperty("alertId").GetInt64();
        (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var now = _host.Clock.GetUtcNow();
        await _host.Desk.OnIndexedAsync([Mentions.Negative(now.AddSeconds(-3), text: "食物中毒 1"), Mentions.Negative(now.AddSeconds(-2), text: "食物中毒 2")], default);
        _escalated = await OneFromEachChannelAsync();

        await _host.Desk.OnIndexedAsync([Mentions.Negative(now.AddSeconds(-1), watch: "other", text: "food poisoning at the other brand")], default);
        _openedWithoutPlan = await OneFromEachChannelAsync();
    }

    /// <summary>The next message of each of the two channels, by the receiver's path (the channel's name).</summary>
    private async Task<Dictionary<string, ReceivedWebhook>> OneFromEachChannelAsync()
    {
        var received = new Dictionary<string, ReceivedWebhook>();
        while (received.Count < 2)
        {
            var next = await _receiver.NextAsync();
            received.ShouldNotContainKey(next.Path, $"one message per channel at a time, got a second one on {next.Path}");
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
    public void Opened_NamesTheFirstStep_WithOwnerAndDueClockTimeInNewYork()
    {
        var json = _opened["ny-hook"].Json;
        json.GetProperty("kind").GetString().ShouldBe("opened");
        var text = json.GetProperty("text").GetString()!;
        text.ShouldContain("\n\nNext: 核实事实 / verify the facts (owner: PR on duty), due 04:00 UTC-5, 1 h after the start.\n\nWhy it fired:",
            customMessage: "09:00 UTC is 04:00 in New York in November; the reply (4 h) is not due within the first hour");
        text.ShouldNotContain("Then: ");
        text.ShouldNotContain("reply to the posts");

        var steps = json.GetProperty("nextSteps");
        steps.GetArrayLength().ShouldBe(1);
        steps[0].GetProperty("id").GetString().ShouldBe("verify");
        steps[0].GetProperty("title").GetString().ShouldBe("核实事实 / verify the facts");
        steps[0].GetProperty("owner").GetString().ShouldBe("PR on duty");
        steps[0].GetProperty("dueAt").GetDateTimeOffset().ShouldBe(AlertingTestHost.Start.AddHours(1));
        steps[0].GetProperty("dueWithin").GetString().ShouldBe("01:00:00");
        steps[0].GetProperty("line").GetString().ShouldBe("核实事实 / verify the facts (owner: PR on duty), due 04:00 UTC-5, 1 h after the start");
    }

    [Fact]
    public void Opened_NamesTheFirstStepInChinese_WithBeijingTime()
    {
        var text = _opened["cn-robot"].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        text.ShouldContain("下一步：核实事实 / verify the facts（负责人：PR on duty），截止 17:00 北京时间（事件开始后 1 小时内）。", customMessage: "09:00 UTC is 17:00 in Beijing");
        text.ShouldNotContain("随后：");
        text.ShouldNotContain("UTC");
    }

    [Fact]
    public void Escalated_IntoTheCriticalPlaybook_NamesUpToThreeOpenStepsDueWithinTheFirstHour()
    {
        var json = _escalated["ny-hook"].Json;
        json.GetProperty("kind").GetString().ShouldBe("escalated");
        var text = json.GetProperty("text").GetString()!;
        text.ShouldContain(
            "Next: 发布情况说明 / holding statement (owner: PR lead), due 03:30 UTC-5, 30 min after the start.\n"
            + "Then: 通报管理层 / brief leadership (owner: PR lead), due 03:45 UTC-5, 45 min after the start.\n"
            + "Then: 联系受影响顾客 / contact the affected customers (owner: customer care lead), due 04:00 UTC-5, 1 h after the start.\n");
        text.ShouldNotContain("verify the facts", customMessage: "the ticked step is done");
        text.ShouldNotContain("root-cause statement", customMessage: "three at most, and it is due after the first hour");
        json.GetProperty("nextSteps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["holding-statement", "leadership", "customers"]);
        // docs/alerting.md quotes these (--logger "console;verbosity=detailed").
        output.WriteLine(text);
        output.WriteLine(_escalated["cn-robot"].Json.GetProperty("markdown").GetProperty("text").GetString());
    }

    [Fact]
    public void Escalated_NamesTheStepsInChinese_WithBeijingTimes()
    {
        var text = _escalated["cn-robot"].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        text.ShouldContain("下一步：发布情况说明 / holding statement（负责人：PR lead），截止 16:30 北京时间（事件开始后 30 分钟内）。");
        text.ShouldContain("随后：通报管理层 / brief leadership（负责人：PR lead），截止 16:45 北京时间（事件开始后 45 分钟内）。");
        text.ShouldContain("随后：联系受影响顾客 / contact the affected customers（负责人：customer care lead），截止 17:00 北京时间（事件开始后 1 小时内）。");
        text.ShouldNotContain("核实事实");
    }

    [Fact]
    public void Opened_OnAWatchWithoutAPlaybook_SaysNothingAboutSteps()
    {
        var json = _openedWithoutPlan["ny-hook"].Json;
        json.GetProperty("watch").GetString().ShouldBe("other");
        json.GetProperty("kind").GetString().ShouldBe("opened");
        json.GetProperty("nextSteps").GetArrayLength().ShouldBe(0);
        var text = json.GetProperty("text").GetString()!;
        text.ShouldNotContain("Next:");
        var what = json.GetProperty("whatHappened").GetString()!;
        text.ShouldContain(what + "\n\nWhy it fired:", customMessage: "one blank line, no empty step paragraph");

        var zh = _openedWithoutPlan["cn-robot"].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        zh.ShouldStartWith("### 【警告】other：");
        zh.ShouldNotContain("下一步");
    }
}
