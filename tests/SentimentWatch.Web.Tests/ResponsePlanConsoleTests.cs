using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Tests;

public sealed class ResponsePlanConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    /// <summary>The demo's first run raises an incident on lumo; its playbook started with it. Waits for it.</summary>
    private async Task<long> DemoIncidentWithStepsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/alerts?watch=lumo&status=all");
            request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
            var alerts = await (await Fixture.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            await using var db = await Fixture.Services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
            foreach (var alert in alerts.GetProperty("items").EnumerateArray().OrderBy(a => a.GetProperty("id").GetInt64()))
            {
                var id = alert.GetProperty("id").GetInt64();
                if (await db.Steps.AnyAsync(s => s.AlertId == id))
                {
                    return id;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no lumo incident with a response plan; alerts: {alerts}");
            }

            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task AlertPage_ShowsTheResponsePlanWithDueTimesAndOverdueSteps_PrTicksThem_AndExportsTheRecord()
    {
        var id = await DemoIncidentWithStepsAsync();
        string first;
        await using (var db = await Fixture.Services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync())
        {
            // Time is real here: the first step fell due 20 minutes ago.
            var step = await db.Steps.Where(s => s.AlertId == id).OrderBy(s => s.DueAt).FirstAsync();
            first = step.StepId;
            step.DueAt = DateTimeOffset.UtcNow.AddMinutes(-20);
            step.Version++;
            await db.SaveChangesAsync();
        }

        var page = await OpenAsync("pr");
        await page.GotoAsync($"/alerts/{id}");
        var plan = page.GetByTestId("response-plan");
        await Assertions.Expect(plan).ToBeVisibleAsync();
        var overdue = plan.Locator($"[data-step='{first}']");
        await Assertions.Expect(overdue).ToHaveAttributeAsync("data-state", "overdue");
        await Assertions.Expect(overdue).ToContainTextAsync("20m late");
        await Assertions.Expect(plan.Locator("[data-step='holding-statement']")).ToContainTextAsync("within 1h of the start");
        await Assertions.Expect(page.GetByTestId("plan-overdue")).ToContainTextAsync("1 overdue");
        await Assertions.Expect(page.GetByTestId("what-happened")).ToContainTextAsync("negative");
        await Assertions.Expect(page.GetByTestId("alert-signals")).ToContainTextAsync("in the last");
        await ShotAsync(page, "overdue");

        var item = overdue.GetByTestId("checklist-item").First;
        await item.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByTestId("response-plan").Locator($"[data-step='{first}']").GetByTestId("checklist-item").First).ToContainTextAsync("☑");
        await Assertions.Expect(page.GetByTestId("response-plan").Locator($"[data-step='{first}']").GetByTestId("checklist-item").First).ToContainTextAsync("petra");

        var step1 = page.GetByTestId("response-plan").Locator($"[data-step='{first}']");
        await step1.Locator("input[name=note]").FillAsync("called the store manager");
        await step1.GetByTestId("step-done-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Step done");
        step1 = page.GetByTestId("response-plan").Locator($"[data-step='{first}']");
        await Assertions.Expect(step1).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(step1.GetByTestId("step-done")).ToContainTextAsync("Done by petra");
        await Assertions.Expect(step1.GetByTestId("step-done")).ToContainTextAsync("called the store manager");
        await ShotAsync(page, "ticked");
        await DocShotAsync(page, "pr-response-plan");

        // The record behind the export link, fetched with the same session.
        var href = await page.GetByTestId("record-markdown").GetAttributeAsync("href");
        var record = await page.Context.APIRequest.GetAsync(href!);
        record.Status.ShouldBe(200);
        var markdown = await record.TextAsync();
        markdown.ShouldStartWith($"# Incident {id}: Lumo Coffee / 绿莫咖啡");
        markdown.ShouldContain("by petra");

        // The complaint cases of the incident come from the real cases capability (ICaseDirectory).
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/alerts/{id}/cases"))
        {
            request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
            var linked = await (await Fixture.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            var items = linked.GetProperty("cases");
            items.GetArrayLength().ShouldBePositive("the demo storm opens complaint cases linked to its incident");
            foreach (var c in items.EnumerateArray())
            {
                markdown.ShouldContain($"| {c.GetProperty("id").GetInt64()} | ");
            }
        }

        // In Chinese.
        var zh = await OpenAsync("pr", locale: "zh-CN");
        await zh.GotoAsync($"/alerts/{id}");
        await Assertions.Expect(zh.GetByTestId("response-plan").Locator("h2")).ToHaveTextAsync("应急处置预案");
        await Assertions.Expect(zh.GetByTestId("response-plan").Locator($"[data-step='{first}'] [data-testid=step-state]")).ToHaveTextAsync("已完成");
        // The incident's own words follow the console's language (decision 218).
        await Assertions.Expect(zh.GetByTestId("what-happened")).ToContainTextAsync("负面");
        await Assertions.Expect(zh.GetByTestId("alert-signals")).ToContainTextAsync("近 ");
        await Assertions.Expect(zh.Locator("h1")).Not.ToContainTextAsync("in the last");
        await ShotAsync(zh, "zh");
    }

    [Fact]
    public async Task AlertPage_InShanghai_ShowsEveryTimeAsALocalTime_AndNamesTheZoneOnce()
    {
        var id = await DemoIncidentWithStepsAsync();
        var page = await OpenAsync("pr", timezoneId: "Asia/Shanghai");
        await page.GotoAsync($"/alerts/{id}");
        await Assertions.Expect(page.GetByTestId("time-zone")).ToHaveTextAsync("Times are in your time zone: Asia/Shanghai (UTC+08:00)");
        var record = page.GetByTestId("alert-record");
        await Assertions.Expect(record).ToContainTextAsync("response plan");
        (await record.Locator("time").CountAsync()).ShouldBeGreaterThan((await record.Locator("li").CountAsync()), "the record's due and since times are local times too");
        var recordText = await record.InnerTextAsync();
        recordText.ShouldNotMatch(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}");
        recordText.ShouldNotContain("UTC");

        await ShotAsync(page, "shanghai");
    }

    [Fact]
    public async Task AlertPage_InChinese_TheIncidentRecordReadsInChinese_AndSaysWhenTheIncidentOpened()
    {
        var id = await DemoIncidentWithStepsAsync();
        var zh = await OpenAsync("pr", locale: "zh-CN");
        await zh.GotoAsync($"/alerts/{id}");
        var record = zh.GetByTestId("alert-record");
        await Assertions.Expect(record).ToContainTextAsync("事件开启：");
        await Assertions.Expect(record).ToContainTextAsync("应对预案");
        await Assertions.Expect(record).ToContainTextAsync("系统");
        foreach (var english in new[] { "incident opened", "response plan", "started", "sent to", "system" })
        {
            await Assertions.Expect(record).Not.ToContainTextAsync(english);
        }

        await Assertions.Expect(zh.GetByTestId("time-zone")).ToContainTextAsync("时间均按你所在的时区显示");
        await Assertions.Expect(zh.GetByTestId("alert-history")).ToContainTextAsync("开启于");
        await Assertions.Expect(zh.GetByTestId("alert-history")).Not.ToContainTextAsync("触发于");

        // The write-up the console offers is the Chinese one too: same lines, same words as the page.
        var href = await zh.GetByTestId("record-markdown").GetAttributeAsync("href");
        href.ShouldBe($"/api/alerts/{id}/timeline?format=markdown&lang=zh-CN");
        var download = await zh.APIRequest.GetAsync(href!);
        download.Status.ShouldBe(200);
        var markdown = await download.TextAsync();
        markdown.ShouldStartWith($"# 事件 {id}：");
        markdown.ShouldContain("## 时间线");
        markdown.ShouldContain("事件开启：");
        markdown.ShouldMatch(@"应对预案 \S+（[^）]+）已启动：\d+ 个步骤");
        markdown.ShouldNotContain("incident opened");
        markdown.ShouldNotContain("## Timeline");
        (await zh.GetByTestId("record-csv").GetAttributeAsync("href")).ShouldBe($"/api/alerts/{id}/timeline?format=csv&lang=zh-CN");
        await ShotAsync(zh, "zh-record");
    }

    [Fact]
    public async Task AlertPage_LinksTheIncidentsCases_OnlyForRolesThatMayOpenThem()
    {
        var id = await DemoIncidentWithStepsAsync();
        var admin = await OpenAsync("admin");
        await admin.GotoAsync($"/alerts/{id}");
        var links = admin.GetByTestId("alert-cases").GetByRole(AriaRole.Link);
        (await links.CountAsync()).ShouldBePositive();
        var href = await links.First.GetAttributeAsync("href");
        href.ShouldStartWith("/cases/");

        var pr = await OpenAsync("pr");
        await pr.GotoAsync($"/alerts/{id}");
        var cases = pr.GetByTestId("alert-cases");
        await Assertions.Expect(cases.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await Assertions.Expect(cases).ToContainTextAsync("#" + href!["/cases/".Length..]);
        (await cases.Locator("li .badge").CountAsync()).ShouldBePositive("PR sees how each case stands");
        await ShotAsync(pr, "pr-cases");
    }
}
