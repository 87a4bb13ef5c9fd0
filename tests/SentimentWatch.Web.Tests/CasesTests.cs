using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

public sealed class CasesTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Support_WorksACaseFromTheQueueToResolved()
    {
        var id = await OldestNewCaseAsync();
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases");
        var row = page.Locator($"[data-testid=case-queue] tr[data-case-id='{id}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await ShotAsync(page, "queue");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/cases/{id}", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("new");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take it" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("in progress");
        await Assertions.Expect(page.GetByTestId("case-owner")).ToContainTextAsync("sam");
        // The desk's own reason for the change reads in the reader's language (QA found it English in Chinese).
        var ownerRow = page.Locator("[data-testid=audit] tr", new() { Has = page.Locator("td[data-what=owner]") }).Last;
        await Assertions.Expect(ownerRow.Locator("td").Nth(3)).ToContainTextAsync("(taken)");
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync($"/cases/{id}");
        var zhOwnerRow = zh.Locator("[data-testid=audit] tr", new() { Has = zh.Locator("td[data-what=owner]") }).Last;
        await Assertions.Expect(zhOwnerRow.Locator("td").Nth(3)).ToContainTextAsync("(认领)");

        await page.Locator("#reply-text").FillAsync("您好，已为您办理退款，预计3个工作日到账。");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation")).ToContainTextAsync("已为您办理退款");
        await DocShotAsync(page, "support-case");
        await page.SetViewportSizeAsync(1280, 860);

        await page.Locator("#to").SelectOptionAsync("resolved");
        await page.Locator("#summary").FillAsync("Refunded the double charge");
        await page.Locator("#rootCause").SelectOptionAsync("billing_error");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("resolved");
        // The follow-up (回访) falls due two days after resolution (Cases:FollowUpDelay).
        await Assertions.Expect(page.GetByTestId("follow-ups")).ToContainTextAsync("Not due yet");

        await page.Locator("#score").SelectOptionAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record satisfaction" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("satisfaction")).ToContainTextAsync("5 / 5");
        await Assertions.Expect(page.GetByTestId("follow-ups")).ToContainTextAsync("Satisfaction 5 / 5");
        await Assertions.Expect(page.GetByTestId("follow-ups")).ToContainTextAsync("by sam");
        await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("sam");
        await ShotAsync(page, "resolved");
    }

    [Fact]
    public async Task StaleForm_IsRefusedWithTheCurrentState_NotOverwritten()
    {
        var id = await OldestNewCaseAsync(skip: 1);
        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");

        // Someone else takes the case through the API after this page was read.
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/take"))
        {
            request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
            var current = await Fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{id}") { Headers = { { "X-Api-Key", ConsoleFixture.AdminKey } } });
            request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
            (await Fixture.Http.SendAsync(request)).IsSuccessStatusCode.ShouldBeTrue();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Take it" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("Someone changed this case");
        await Assertions.Expect(page.GetByTestId("case-owner")).ToContainTextAsync("web-tests");
        await ShotAsync(page);
    }

    [Fact]
    public async Task Support_OverridesPriorityAndCategory_WithAReason_OnRecord()
    {
        var id = await OldestNewCaseAsync(skip: 2);
        var before = (await CaseAsync(id)).GetProperty("case");
        var priority = before.GetProperty("priority").GetString() == "P1" ? "P2" : "P1";
        var category = before.GetProperty("category").GetString() == "product_quality" ? "logistics" : "product_quality";
        // The audit trail shows the category's label, not its code.
        var categoryLabel = category == "logistics" ? "logistics" : "product quality";

        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");
        var form = page.GetByTestId("override-form");
        await form.Locator("#override-priority").SelectOptionAsync(priority);
        await form.Locator("#override-category").SelectOptionAsync(category);
        await form.Locator("#override-reason").FillAsync("食品安全投诉，升级处理");
        await form.GetByRole(AriaRole.Button, new() { Name = "Override" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Override recorded.");
        await Assertions.Expect(page.Locator(".page-head .badge").First).ToHaveTextAsync(priority);
        var audit = page.GetByTestId("audit");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "priority" })).ToContainTextAsync($"→ {priority} (食品安全投诉，升级处理)");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "category" })).ToContainTextAsync($"→ {categoryLabel}");
        await ShotAsync(page);

        // The API sees the same case: one desk behind both.
        var after = (await CaseAsync(id)).GetProperty("case");
        after.GetProperty("priority").GetString().ShouldBe(priority);
        after.GetProperty("category").GetString().ShouldBe(category);
    }

    [Fact]
    public async Task MentionPage_ListsTheCaseItIsOn_WithALinkForThoseWhoMayOpenIt()
    {
        var id = await OldestNewCaseAsync(skip: 3);
        var mentionId = (await CaseAsync(id)).GetProperty("mentions")[0].GetProperty("mentionId").GetString()!;

        var admin = await OpenAsync("admin");
        await admin.GotoAsync($"/mentions/{Uri.EscapeDataString(mentionId)}");
        var cases = admin.GetByTestId("mention-cases");
        await Assertions.Expect(cases.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/cases/{id}");
        await Assertions.Expect(cases).ToContainTextAsync($"#{id}");
        await ShotAsync(admin, "admin");

        // An analyst sees which case it is and how it stands, without a link to a page they may not open.
        var analyst = await OpenAsync("analyst");
        await analyst.GotoAsync($"/mentions/{Uri.EscapeDataString(mentionId)}");
        await Assertions.Expect(analyst.GetByTestId("mention-cases")).ToContainTextAsync($"#{id}");
        await Assertions.Expect(analyst.GetByTestId("mention-cases").GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ACaseAssignedToAnAgent_NamesTheAgent_WithTheUserNameAsItsTitle()
    {
        var id = await OldestNewCaseAsync(skip: 4);
        var title = (await CaseAsync(id)).GetProperty("case").GetProperty("title").GetString()!;
        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");
        await page.Locator("#agent").SelectOptionAsync("care-lead");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Assigned.");

        // Cases:Agents names care-lead "Wang Fang (lead)": people read the name, the user name stays at hand as the title.
        var owner = page.GetByTestId("case-owner");
        await Assertions.Expect(owner.Locator("[title=care-lead]")).ToHaveTextAsync("Wang Fang (lead)");
        (await owner.InnerTextAsync()).ShouldNotContain("care-lead");
        var ownerRow = page.Locator("[data-testid=audit] tr", new() { Has = page.Locator("td[data-what=owner]") }).Last;
        await Assertions.Expect(ownerRow.Locator("td").Nth(3).Locator("[title=care-lead]")).ToHaveTextAsync("Wang Fang (lead)");
        await ShotAsync(page, "detail");

        await page.GotoAsync("/cases?text=" + Uri.EscapeDataString(title));
        var cell = page.Locator($"[data-testid=case-queue] tr[data-case-id='{id}'] td:not(.pick)").Nth(4);
        await Assertions.Expect(cell.Locator("[title=care-lead]")).ToHaveTextAsync("Wang Fang (lead)");
        (await cell.InnerTextAsync()).ShouldNotContain("care-lead");
        await ShotAsync(page, "queue");

        // A console user who is not an agent keeps their user name.
        await page.GotoAsync($"/cases/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take it" }).ClickAsync();
        await Assertions.Expect(owner).ToContainTextAsync("sam");
        await Assertions.Expect(owner.Locator("[title]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Metrics_AndTheOverviewBacklog_ShowTheCases()
    {
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases/metrics");
        await Assertions.Expect(page.GetByTestId("case-kpis")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("canvas[data-testid=metrics-chart][data-chart-ready=true]")).ToHaveCountAsync(1);
        await ShotAsync(page, "metrics");
        // The overview of a support agent is at /overview: "/" sends them to the queue (decision 235).
        await page.GotoAsync("/overview");
        await Assertions.Expect(page.GetByTestId("case-backlog")).ToBeVisibleAsync();
        await ShotAsync(page, "overview");
    }

    private async Task<JsonElement> CaseAsync(long id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{id}");
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task RefusedResolution_KeepsWhatTheAgentTyped_AndChose()
    {
        var id = await OldestNewCaseAsync(skip: 4);
        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take it" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("in progress");

        // Resolving without a summary is refused; the choices and the words already written stay in the form.
        await page.Locator("#to").SelectOptionAsync("resolved");
        await page.Locator("#rootCause").SelectOptionAsync("billing_error");
        await page.Locator("#reason").FillAsync("customer confirmed by phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#to")).ToHaveValueAsync("resolved");
        await Assertions.Expect(page.Locator("#rootCause")).ToHaveValueAsync("billing_error");
        await Assertions.Expect(page.Locator("#reason")).ToHaveValueAsync("customer confirmed by phone");
        await ShotAsync(page, "refused");

        await page.Locator("#summary").FillAsync("Refunded the double charge");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("resolved");
    }

    [Fact]
    public async Task LoggedReply_NamesItsChannel_InTheReadersLanguage()
    {
        var id = await OldestNewCaseAsync(skip: 5);
        var page = await OpenAsync("support", "zh-CN");
        await page.GotoAsync($"/cases/{id}");
        await page.Locator("#reply-text").FillAsync("您好，我们已收到您的反馈，正在核实。");
        await page.Locator("#reply-channel").SelectOptionAsync("private");
        await page.Locator("form[action*='handler=Reply'] button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation")).ToContainTextAsync("正在核实");
        var logged = page.Locator("[data-testid=audit] tr", new() { Has = page.Locator("td[data-what=reply_logged]") }).Locator("td").Nth(3);
        await Assertions.Expect(logged).ToHaveTextAsync("私信");
        await ShotAsync(page);
    }

    [Fact]
    public async Task Queue_InChinese_KeepsHeadersDeadlinesAndTimesOnOneLine()
    {
        var page = await OpenAsync("support", "zh-CN");
        await page.GotoAsync("/cases");
        await Assertions.Expect(page.GetByTestId("case-queue")).ToBeVisibleAsync();
        // Each element's text with the number of lines it takes, so a failure names what wrapped (the tick column's header is
        // screen-reader text only, a 1-pixel box whose rectangles say nothing about wrapping).
        var lines = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll(
            '[data-testid=case-queue] th:not(.pick), [data-testid=case-queue] td.when time, [data-testid=case-queue] [data-testid=case-deadline]')]
            .map(e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size + ' ' + e.textContent.trim(); })");
        lines.ShouldNotBeEmpty();
        lines.Where(l => !l.StartsWith("1 ", StringComparison.Ordinal)).ShouldBeEmpty();
        await ShotAsync(page);
    }

    [Fact]
    public async Task CasePage_SaysWhenTheSlaClockStarted_AndItsTargets()
    {
        var id = await OldestNewCaseAsync(skip: 6);
        var sla = (await GetAsync($"/api/cases/{id}")).GetProperty("sla");
        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");
        var clock = page.GetByTestId("sla-clock");
        await Assertions.Expect(clock).ToContainTextAsync("first response within");
        (await clock.Locator("time").GetAttributeAsync("datetime")).ShouldBe(sla.GetProperty("clockStartedAt").GetDateTimeOffset().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync($"/cases/{id}");
        await Assertions.Expect(zh.GetByTestId("sla-clock")).ToContainTextAsync("首次响应");
        await ShotAsync(zh);
    }

    [Fact]
    public async Task AuditTrail_KeepsEachTimeOnOneLine()
    {
        var id = await OldestNewCaseAsync(skip: 7);
        // A laptop's width, where the audit column is narrowest beside the work panel.
        var page = await OpenAsync("support", width: 1024);
        await page.GotoAsync($"/cases/{id}");
        await Assertions.Expect(page.GetByTestId("audit")).ToBeVisibleAsync();
        var lines = await page.EvaluateAsync<int[]>(@"() => [...document.querySelectorAll('[data-testid=audit] td:first-child time')]
            .map(e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })");
        lines.ShouldNotBeEmpty();
        lines.ShouldAllBe(n => n == 1);
        await ShotAsync(page);
    }

    [Fact]
    public async Task ACaseAColleagueIsWorking_SaysWhoseWorkTheButtonTakesOver()
    {
        var id = await OldestNewCaseAsync(skip: 8);
        var support = await OpenAsync("support");
        await support.GotoAsync($"/cases/{id}");
        await support.GetByRole(AriaRole.Button, new() { Name = "Take it" }).ClickAsync();
        await Assertions.Expect(support.GetByTestId("case-status")).ToHaveTextAsync("in progress");
        var owner = await GetAsync($"/api/cases/{id}");
        var userName = owner.GetProperty("case").GetProperty("owner").GetString()!;

        // In progress with someone else: one click would take over their work, and the button says so, by their name.
        var admin = await OpenAsync("admin");
        await admin.GotoAsync($"/cases/{id}");
        var take = admin.GetByTestId("take");
        await Assertions.Expect(take).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Take over from "));
        var shown = (await take.TextContentAsync())!["Take over from ".Length..];
        shown.ShouldNotBeEmpty();
        await Assertions.Expect(admin.GetByTestId("case-owner")).ToContainTextAsync(shown, new() { Timeout = 1_000 });
        userName.ShouldNotBeEmpty();
        await ShotAsync(admin, "take-over");
        await take.ClickAsync();
        (await GetAsync($"/api/cases/{id}")).GetProperty("case").GetProperty("owner").GetString().ShouldNotBe(userName);
    }

    private async Task<long> OldestNewCaseAsync(int skip = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases?status=new&pageSize=50");
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBeGreaterThan(skip, "the demo data should open complaint cases for the lumo watch");
        return items[^(1 + skip)].GetProperty("id").GetInt64();
    }
}
