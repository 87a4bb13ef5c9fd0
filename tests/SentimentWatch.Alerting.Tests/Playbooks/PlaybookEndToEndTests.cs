using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Alerting.Tests.Alerts;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Alerting.Tests.Playbooks;

/// <summary>
/// The playbook end to end: posts through the intake → pipeline → Lucene on disk → incident desk
/// → the playbook's steps → time moves on (the manual clock) → the overdue reminder reaches the
/// webhook on 127.0.0.1 → the PR lead ticks the steps through the API → the incident record
/// (JSON, Markdown, CSV) holds the signals, notifications, steps and cases. Complaint cases come
/// from a stub <see cref="ICaseDirectory"/> (the cases capability is another project; the host
/// tests exercise the real one).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PlaybookEndToEndTests : IAsyncLifetime
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

    private Mention Post(DateTimeOffset at, string text, long reach = 10)
    {
        var n = Interlocked.Increment(ref _next);
        return new Mention
        {
            Id = MentionId.For("weibo", $"pb{n}", null),
            Source = "weibo",
            ExternalId = $"pb{n}",
            Url = $"https://weibo.example.com/pb/{n}",
            Author = $"diner{n}",
            Text = $"{text} #{n}",
            PublishedAt = at,
            CollectedAt = at,
            Engagement = new Engagement(Reach: reach),
        };
    }

    private async Task<ReceivedWebhook> NextOfKindAsync(string kind)
    {
        while (true)
        {
            var next = await _receiver.NextAsync();
            if (next.Kind == kind)
            {
                return next;
            }
        }
    }

    [Fact]
    public async Task FoodSafetyStorm_StepsFallDue_OverdueReminderReachesTheWebhook_StepsTicked_RecordHoldsItAll_WithAStubCaseDirectory_AndHeaderRoleTestAuth()
    {
        var settings = new AlertingSettings()
            .Rule("food-risk", "riskTerms", "lumo", ("Severity", "critical"), ("MinCount", "3"), ("EscalateAt", "50"), ("Window", "00:30:00"), ("ClearFor", "02:00:00"),
                ("Terms", "食物中毒,food poisoning"))
            .Playbook("lumo-critical", "lumo", "critical",
                ("holding-statement", "发布情况说明 / holding statement", "PR lead", "01:00:00", "法务审阅 / legal review|在微博发布 / post on Weibo"),
                ("root-cause", "发布调查结果与整改措施 / root-cause statement", "PR lead", "1.00:00:00", ""))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings["Alerting:Playbooks:0:Steps:0:Contact"] = "pr-lead@example.com";
        settings["Replay:Enabled"] = "false";
        settings["Pipeline:BatchSize"] = "16";
        settings["Pipeline:PollInterval"] = "00:00:00.100";
        settings["Watches:0:Id"] = "lumo";
        settings["Watches:0:Name"] = "Lumo Coffee / 绿莫咖啡";
        settings["Watches:0:Query"] = "lumo OR 绿莫";
        var cases = new StubCaseDirectory();
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings, capabilities: b =>
        {
            b.AddIndexing();
            b.AddMentionPipeline();
            b.Services.AddSingleton<IMentionScorer, ComplaintWordsTestScorer>();
            b.Services.AddSingleton<ICaseDirectory>(cases);
        });
        var clock = host.Clock;
        var start = clock.GetUtcNow();

        // The storm: four food-poisoning posts, one of them loud, through the real intake and pipeline.
        var storm = new[]
        {
            Post(start.AddMinutes(-6), "绿莫 拿铁 喝完 食物中毒 进了医院", reach: 320_000),
            Post(start.AddMinutes(-4), "lumo latte gave me food poisoning"),
            Post(start.AddMinutes(-3), "绿莫 三明治 食物中毒 两个人"),
            Post(start.AddMinutes(-1), "food poisoning after lumo cold brew, refund please"),
        };
        await host.App.Services.GetRequiredService<IMentionIntake>().AcceptAsync(storm, default);
        var opened = await NextOfKindAsync("opened");
        var id = opened.Json.GetProperty("alertId").GetInt64();
        opened.Json.GetProperty("severity").GetString().ShouldBe("critical");
        cases.Links[id] = [new CaseLink(41, "食物中毒 after the latte", "in_progress", "P1", "care-lead", false, start.AddHours(4)) { OwnerName = "Wang Fang" }];

        // Steps due, counted from the incident's start.
        var pr = host.Client("pr", "petra");
        var steps = (await pr.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/steps")).GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("id").GetString()).ShouldBe(["holding-statement", "root-cause"]);
        steps.Select(s => s.GetProperty("state").GetString()).ShouldBe(["open", "open"]);
        var openedAt = (await pr.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("openedAt").GetDateTimeOffset();
        steps[0].GetProperty("dueAt").GetDateTimeOffset().ShouldBe(openedAt.AddHours(1));
        steps[1].GetProperty("dueAt").GetDateTimeOffset().ShouldBe(openedAt.AddHours(24));

        // The opened notification already said what to do first: the one step due within the first hour.
        opened.Json.GetProperty("nextSteps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["holding-statement"]);
        opened.Json.GetProperty("text").GetString()!.ShouldContain(
            $"Next: 发布情况说明 / holding statement (owner: PR lead), due {openedAt.AddHours(1).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC, 1 h after the start.");

        // 3 a.m.: the holding statement is 20 minutes late; the recurring job's pass reminds the owner.
        var watch = host.App.Services.GetRequiredService<ResponseStepWatch>();
        clock.Advance(TimeSpan.FromMinutes(80));
        await watch.RunAsync(default);
        var reminder = await NextOfKindAsync("notice");
        var json = reminder.Json;
        json.GetProperty("alertId").GetInt64().ShouldBe(id);
        json.GetProperty("headline").GetString().ShouldBe($"[OVERDUE] Lumo Coffee / 绿莫咖啡: \"发布情况说明 / holding statement\" is 20 min late (incident {id})");
        json.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["pr-lead@example.com"]);
        json.GetProperty("alertLink").GetString().ShouldBe($"https://watch.example.com/alerts/{id}");
        var text = json.GetProperty("summary").GetString()!;
        text.ShouldContain("(critical: high-risk complaints)");
        text.ShouldContain("Still to check: 法务审阅 / legal review; 在微博发布 / post on Weibo.");
        text.ShouldContain($"Next: 发布调查结果与整改措施 / root-cause statement (owner: PR lead), due {openedAt.AddDays(1).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC, 1 d after the start.",
            customMessage: "a step due another day carries its date");
        text.ShouldContain("Now: ");
        await watch.RunAsync(default);

        // The PR lead ticks the checklist and the step, then the root-cause statement the next day.
        (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/1", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/2", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var held = await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement", new { done = true, note = "https://weibo.example.com/lumo/statement-1" });
        (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lateBy").GetString().ShouldBe("00:20:00");
        clock.Advance(TimeSpan.FromHours(20));
        (await host.Client("pr", "li.wei").PutAsJsonAsync($"/api/alerts/{id}/steps/root-cause", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromHours(5));
        await watch.RunAsync(default);

        // The record: signals with their numbers, notifications with delivery, steps with who/when, cases, chronology.
        // A webhook is received before its delivery is recorded: wait for the positive signal that delivery work is done.
        await host.DeliveriesFinishedAsync();
        var record = await pr.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/timeline");
        var signal = record.GetProperty("incident").GetProperty("signals").EnumerateArray().Single();
        signal.GetProperty("kind").GetString().ShouldBe("riskTerms");
        signal.GetProperty("peakMeasured").GetDouble().ShouldBe(4);
        var recordSteps = record.GetProperty("steps").EnumerateArray().ToList();
        recordSteps.Select(s => (s.GetProperty("state").GetString(), s.GetProperty("doneBy").GetString())).ShouldBe([("done", "petra"), ("done", "li.wei")]);
        recordSteps[0].GetProperty("checklist").EnumerateArray().ShouldAllBe(c => c.GetProperty("done").GetBoolean() && c.GetProperty("doneBy").GetString() == "petra");
        var notifications = record.GetProperty("notifications").EnumerateArray().ToList();
        notifications.Select(n => n.GetProperty("kind").GetString()).ShouldBe(["opened", "notice"]);
        notifications.ShouldAllBe(n => n.GetProperty("deliveredAt").ValueKind == JsonValueKind.String);
        record.GetProperty("cases").EnumerateArray().Single().GetProperty("id").GetInt64().ShouldBe(41);
        var events = record.GetProperty("events").EnumerateArray().Select(e => (Kind: e.GetProperty("kind").GetString(), Actor: e.GetProperty("actor").GetString(), Text: e.GetProperty("text").GetString()!)).ToList();
        events[0].Kind.ShouldBe("opened");
        events.ShouldContain(e => e.Kind == "step" && e.Text.StartsWith("response plan lumo-critical (critical) started: 2 step(s)", StringComparison.Ordinal));
        events.ShouldContain(e => e.Kind == "notification" && e.Text == "opened (critical) sent to pr-hook");
        events.Count(e => e.Kind == "delivered").ShouldBe(2);
        events.ShouldContain(e => e.Kind == "step" && e.Text == "step \"发布情况说明 / holding statement\" overdue by 20 min: reminder to pr-lead@example.com");
        events.ShouldContain(e => e.Actor == "petra" && e.Text == "step \"发布情况说明 / holding statement\" done by petra, 20 min late: https://weibo.example.com/lumo/statement-1");
        events.ShouldContain(e => e.Actor == "li.wei" && e.Text == "step \"发布调查结果与整改措施 / root-cause statement\" done by li.wei, 2 h 40 min before it was due");
        events.Count(e => e.Text.Contains("overdue by", StringComparison.Ordinal)).ShouldBe(1, "the root-cause statement was done in time: no reminder");

        var markdown = await pr.GetAsync($"/api/alerts/{id}/timeline?format=markdown");
        markdown.Content.Headers.ContentType!.MediaType.ShouldBe("text/markdown");
        markdown.Content.Headers.ContentDisposition!.FileName.ShouldBe($"incident-{id}-record.md");
        var md = await markdown.Content.ReadAsStringAsync();
        md.ShouldStartWith($"# Incident {id}: Lumo Coffee / 绿莫咖啡");
        md.ShouldContain("| high-risk complaints | food-risk | critical | 4 (4) | 3 |");
        md.ShouldContain("| 1 | 发布情况说明 / holding statement | PR lead |");
        md.ShouldContain("done (20 min late) |");
        md.ShouldContain("| 41 | 食物中毒 after the latte | in_progress | P1 | Wang Fang | on time |", customMessage: "the owner by name, not the agent id care-lead");

        var csv = await pr.GetAsync($"/api/alerts/{id}/timeline?format=csv");
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var rows = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        rows[0].ShouldBe("at,kind,actor,text");
        rows.Length.ShouldBe(1 + events.Count + 1);
        rows.ShouldContain(r => r.Contains(",step,petra,", StringComparison.Ordinal) && r.Contains("holding statement", StringComparison.Ordinal));
        rows[^1].ShouldStartWith(",case,,");

        // The same record for a Chinese PR team: every fixed word and every known line in Chinese, names and notes as written.
        var zhMarkdown = await pr.GetAsync($"/api/alerts/{id}/timeline?format=markdown&lang=zh-CN");
        zhMarkdown.Content.Headers.ContentDisposition!.FileName.ShouldBe($"incident-{id}-record-zh.md");
        var zh = await zhMarkdown.Content.ReadAsStringAsync();
        zh.ShouldStartWith($"# 事件 {id}：Lumo Coffee / 绿莫咖啡：高风险投诉");
        zh.ShouldContain("- **级别**：严重 · **状态**：");
        zh.ShouldContain("| 高风险投诉 | food-risk | 严重 | 4（4） | 3 |");
        zh.ShouldContain("| 1 | 发布情况说明 / holding statement | PR lead |");
        zh.ShouldContain("| 已完成（晚了 20 分钟） | 2026-11-23 09:20:00 UTC（petra） |");
        zh.ShouldContain("· 开启 · 系统 — 事件开启：高风险投诉（food-risk）：近 30 分钟含高风险词（食物中毒、food poisoning）的负面提及 4 条（阈值 3）");
        zh.ShouldContain("| 41 | 食物中毒 after the latte | 处理中 | P1 | Wang Fang | 未超时 |");
        zh.ShouldContain("· 步骤 · petra — 步骤“发布情况说明 / holding statement”已由 petra 完成，晚了 20 分钟：https://weibo.example.com/lumo/statement-1");
        zh.ShouldContain("· 通知 · 系统 — 开启通知（严重）已发送至 pr-hook");
        zh.ShouldContain("· 送达 · 系统 — 开启通知已送达 pr-hook（尝试 1 次，");
        zh.ShouldContain("· 步骤 · 系统 — 步骤“发布情况说明 / holding statement”已超时 20 分钟：已提醒 pr-lead@example.com");
        zh.ShouldContain("步骤“发布调查结果与整改措施 / root-cause statement”已由 li.wei 完成，比截止时间提前 2 小时 40 分钟");
        zh.ShouldContain("- 高风险投诉：近 30 分钟");
        foreach (var english in new[] { "## Signals", "## Timeline", "incident opened", "negative mentions", "sent to", "done by", "delivered to", "overdue by", "response plan", " · system · " })
        {
            zh.ShouldNotContain(english);
        }

        var zhCsv = await pr.GetAsync($"/api/alerts/{id}/timeline?format=csv&lang=zh");
        var zhRows = (await zhCsv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        zhRows[0].ShouldBe("时间,类型,操作人,内容");
        zhRows.Length.ShouldBe(rows.Length, "the same events, one row each");
        zhRows.ShouldContain(r => r.Contains(",步骤,petra,步骤“发布情况说明 / holding statement”已由 petra 完成", StringComparison.Ordinal));
        zhRows[^1].ShouldStartWith(",工单,,工单 41“食物中毒 after the latte”：处理中，P1，负责人 Wang Fang");
    }

    private sealed class StubCaseDirectory : ICaseDirectory
    {
        public Dictionary<long, IReadOnlyList<CaseLink>> Links { get; } = [];

        public Task<IReadOnlyList<CaseLink>> CasesForAlertAsync(long alertId, CancellationToken cancellationToken) =>
            Task.FromResult(Links.TryGetValue(alertId, out var links) ? links : (IReadOnlyList<CaseLink>)[]);

        public Task<IReadOnlyList<CaseLink>> CasesForMentionAsync(string mentionId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CaseLink>>([]);
    }
}
