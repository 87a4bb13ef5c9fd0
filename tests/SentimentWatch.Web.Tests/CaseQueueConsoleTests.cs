using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Web.Identity;
using SentimentWatch.Web.Tests.Pages;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// The queue as support staff work it against SLA clocks (decision 235): "due soonest" across pages and tabs, a count
/// on every tab under the current filters, and landing on the queue instead of the overview.
/// </summary>
public sealed class CaseQueueConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    /// <summary>Every case id the API lists for <paramref name="query"/>, page after page.</summary>
    private async Task<List<long>> ApiIdsAsync(string query)
    {
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = await GetAsync($"/api/cases?{query}&pageSize=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return ids;
    }

    private static async Task<List<long>> RowIdsAsync(IPage page) =>
        [.. (await page.Locator("[data-testid=case-queue] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.caseId)")).Select(long.Parse)];

    private static async Task<int> CountAsync(IPage page, string tab) =>
        int.Parse(await page.GetByTestId("tab-count-" + tab).InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private async Task PostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        var response = await Fixture.Http.SendAsync(request);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DueSoonest_IsTheSameOrderAsTheApi_AndStaysChosenAcrossPagesAndTabs()
    {
        // The demo's cases all open at P4 within a minute, so both orders agree on them. A P3 case waiting on the
        // customer is first by priority and, its clocks paused, among the last when due soonest.
        var waiting = (await ApiIdsAsync("status=new"))[0];
        await PostAsync($"/api/cases/{waiting}/override", new { priority = "P3", reason = "repeat complainant (test)" });
        await PostAsync($"/api/cases/{waiting}/transition", new { to = "waiting_on_customer", reason = "asked for the order number (test)" });
        var expected = await ApiIdsAsync("sort=due");
        (await ApiIdsAsync("sort=priority")).IndexOf(waiting).ShouldBeLessThan(expected.IndexOf(waiting));
        expected.Count.ShouldBeGreaterThan(8, "the demo opens enough cases for several pages of four");

        var page = await OpenAsync("support");
        await page.GotoAsync("/cases?pageSize=4");
        await page.Locator("#sort").SelectOptionAsync("due");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("sort=due", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#sort")).ToHaveValueAsync("due");
        await ShotAsync(page, "first-page");

        // Page by page through the "Next page" link: the API's order, every case once, the order kept in every link.
        var shown = new List<long>();
        while (true)
        {
            shown.AddRange(await RowIdsAsync(page));
            await Assertions.Expect(page.Locator("#sort")).ToHaveValueAsync("due");
            var next = page.GetByRole(AriaRole.Link, new() { Name = "Next page" });
            if (await next.CountAsync() == 0)
            {
                break;
            }

            (await next.GetAttributeAsync("href") ?? "").ShouldContain("sort=due");
            await next.ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        }

        shown.ShouldBe(expected);

        // The tabs keep the order (and the page size is the tab's own business: it starts again at the first page).
        foreach (var (tab, query) in new[] { ("My cases", "mine=true"), ("SLA breached", "breached=true"), ("Open queue", "") })
        {
            var link = page.GetByRole(AriaRole.Navigation, new() { Name = "Cases" }).GetByRole(AriaRole.Link, new() { Name = tab });
            var href = await link.GetAttributeAsync("href") ?? "";
            href.ShouldContain("sort=due", customMessage: tab);
            href.ShouldNotContain("cursor", customMessage: tab);
            if (query.Length > 0)
            {
                href.ShouldContain(query, customMessage: tab);
            }
        }

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Cases" }).GetByRole(AriaRole.Link, new() { Name = "SLA breached" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("breached=true", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#sort")).ToHaveValueAsync("due");
        (await RowIdsAsync(page)).ShouldBe((await ApiIdsAsync("sort=due&breached=true")).Take(50).ToList());
    }

    [Fact]
    public async Task Tabs_CountTheirCases_UnderTheCurrentFilters_InBothLanguages()
    {
        var page = await OpenAsync("support");
        var sam = ConsoleFixture.People["support"];
        foreach (var filter in new[] { "", "category=refund_return", "priority=P4" })
        {
            // The replay may still open a case between the two reads: read both again until they agree.
            (int Open, int Mine, int Breached) api = default, shown = default;
            for (var attempt = 0; attempt < 5; attempt++)
            {
                api = ((await ApiIdsAsync(filter + "&status=open")).Count, (await ApiIdsAsync(filter + "&owner=" + sam)).Count, (await ApiIdsAsync(filter + "&breached=true")).Count);
                await page.GotoAsync("/cases?" + filter);
                shown = (await CountAsync(page, "open"), await CountAsync(page, "mine"), await CountAsync(page, "breached"));
                if (shown == api)
                {
                    break;
                }

                await Task.Delay(500);
            }

            shown.ShouldBe(api, filter);
            if (filter.Length == 0)
            {
                api.Open.ShouldBeGreaterThan(0);
                (await RowIdsAsync(page)).Count.ShouldBe(Math.Min(api.Open, 50));
            }
            else
            {
                // The tabs carry the filter, so what a tab counts is what it lists.
                var tabs = page.GetByRole(AriaRole.Navigation, new() { Name = "Cases" });
                (await tabs.GetByRole(AriaRole.Link, new() { Name = "My cases" }).GetAttributeAsync("href") ?? "").ShouldContain(filter);
            }
        }

        // A breach count above nought is red; the counts read in Chinese with the tabs' Chinese names.
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync("/cases?sort=due");
        var tabsZh = zh.GetByRole(AriaRole.Navigation, new() { Name = "工单" });
        await Assertions.Expect(tabsZh.GetByRole(AriaRole.Link, new() { Name = "待办队列" })).ToContainTextAsync((await ApiIdsAsync("status=open")).Count.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(zh.Locator("#sort option:checked")).ToHaveTextAsync("最先到期");
        await Assertions.Expect(zh.Locator("#sort option[value=priority]")).ToHaveTextAsync("优先级优先");
        if (await CountAsync(zh, "breached") > 0)
        {
            await Assertions.Expect(zh.GetByTestId("tab-count-breached")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\balarm\b"));
        }

        await ShotAsync(zh, "zh");
        await DocShotAsync(zh, "support-queue-zh");
        await page.GotoAsync("/cases?sort=due");
        await ShotAsync(page, "en");
        await DocShotAsync(page, "support-queue");
    }

    [Fact]
    public async Task A_lead_narrows_the_queue_to_a_team_and_to_the_cases_nobody_owns()
    {
        // A case handed to the social media desk's agent moves to that team.
        var moved = (await ApiIdsAsync("status=new"))[^1];
        await PostAsync($"/api/cases/{moved}/assign", new { agent = "agent-wu" });

        var page = await OpenAsync("support");
        await page.GotoAsync("/cases?status=all");
        await Assertions.Expect(page.Locator("#team option")).ToHaveTextAsync(["All", "Lumo customer care", "Social media desk"]);
        await page.Locator("#team").SelectOptionAsync(new SelectOptionValue { Label = "Social media desk" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("team=lumo-social", StringComparison.Ordinal));
        (await RowIdsAsync(page)).ShouldBe(await ApiIdsAsync("status=all&team=lumo-social"));
        (await RowIdsAsync(page)).ShouldContain(moved);
        await Assertions.Expect(page.Locator("#team")).ToHaveValueAsync("lumo-social");
        (await CountAsync(page, "open")).ShouldBe((await ApiIdsAsync("team=lumo-social")).Count);

        // Every tab keeps the team, so what it counts is that team's.
        var tabs = page.GetByRole(AriaRole.Navigation, new() { Name = "Cases" });
        foreach (var tab in new[] { "Open queue", "My cases", "SLA breached" })
        {
            (await tabs.GetByRole(AriaRole.Link, new() { Name = tab }).GetAttributeAsync("href") ?? "").ShouldContain("team=lumo-social", customMessage: tab);
        }

        // Unassigned only: the API's owner=none, the moved case (now owned) not among them. The replay may open a case
        // between the two reads: read both again until they agree.
        List<long> shown = [], api = [];
        for (var attempt = 0; attempt < 5 && (attempt == 0 || !shown.SequenceEqual(api)); attempt++)
        {
            await page.GotoAsync("/cases?unassigned=true");
            shown = await RowIdsAsync(page);
            api = [.. (await ApiIdsAsync("owner=none")).Take(50)];
        }

        shown.ShouldBe(api);
        shown.ShouldNotContain(moved);
        await Assertions.Expect(page.Locator("#unassigned-only")).ToBeCheckedAsync();
        await ShotAsync(page, "unassigned");

        // Mine and unassigned together ask for nothing: said in the reader's language.
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync("/cases?mine=true&unassigned=true");
        await Assertions.Expect(zh.GetByRole(AriaRole.Alert)).ToHaveTextAsync("“仅我的”与“仅未分派”不能同时选择；请选其一。");
        await Assertions.Expect(zh.Locator("label[for=team]")).ToHaveTextAsync("团队");
        await ShotAsync(zh, "zh");
    }

    [Fact]
    public async Task A_lead_hands_ticked_cases_to_an_agent_and_a_case_someone_took_meanwhile_is_left_with_them_and_named()
    {
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases?unassigned=true&sort=due");
        var ids = await RowIdsAsync(page);
        ids.Count.ShouldBeGreaterThanOrEqualTo(3, "the demo leaves enough cases unowned");
        var (first, second, taken) = (ids[0], ids[1], ids[2]);
        foreach (var id in new[] { first, second, taken })
        {
            await page.GetByTestId($"pick-{id}").CheckAsync();
        }

        // A colleague's assignment lands after the queue was loaded: the lead's bulk assignment must not take it back.
        await PostAsync($"/api/cases/{taken}/assign", new { agent = "agent-chen" });
        await page.Locator("#bulk-agent").SelectOptionAsync("agent-wu");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Assigned 2 cases to Wu Lei.");
        await Assertions.Expect(page.GetByTestId("bulk-problems")).ToHaveTextAsync($"#{taken} changed since the queue was loaded and was not assigned; open it to see who has it now.");
        var back = new Uri(page.Url);
        back.AbsolutePath.ShouldBe("/cases");
        back.Query.ShouldContain("unassigned=true", customMessage: "back to the same view");
        back.Query.ShouldContain("sort=due");
        await ShotAsync(page);

        (await GetAsync($"/api/cases/{first}")).GetProperty("case").GetProperty("owner").GetString().ShouldBe("agent-wu");
        (await GetAsync($"/api/cases/{second}")).GetProperty("case").GetProperty("owner").GetString().ShouldBe("agent-wu");
        (await GetAsync($"/api/cases/{taken}")).GetProperty("case").GetProperty("owner").GetString().ShouldBe("agent-chen");
        var stillUnowned = await RowIdsAsync(page);
        stillUnowned.ShouldNotContain(first);
        stillUnowned.ShouldNotContain(taken);

        // Nothing ticked: said in the reader's language, nothing assigned.
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync("/cases?unassigned=true");
        await zh.Locator("#bulk-agent").SelectOptionAsync("agent-wu");
        await zh.GetByRole(AriaRole.Button, new() { Name = "分派", Exact = true }).ClickAsync();
        await Assertions.Expect(zh.GetByTestId("bulk-problems")).ToHaveTextAsync("请在列表中勾选要分派的工单。");
        (await RowIdsAsync(zh)).Count.ShouldBeGreaterThan(0);
        await ShotAsync(zh, "zh");
    }

    /// <summary>
    /// A burst of complaints about one incident is answered once: the ticked cases resolved together with one summary and root
    /// cause, each recorded on its own case; a case someone moved meanwhile is left as it is and named; a resolution without
    /// its summary is refused once for the batch, and nothing moves.
    /// </summary>
    [Fact]
    public async Task Support_resolves_ticked_cases_together_and_a_case_moved_meanwhile_is_left_and_named()
    {
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases?status=new&sort=due");
        var ids = await RowIdsAsync(page);
        ids.Count.ShouldBeGreaterThanOrEqualTo(3, "the demo opens enough new cases");
        var (first, second, moved) = (ids[^1], ids[^2], ids[^3]);

        // The form's default button (Enter moves, never assigns) is not drawn.
        await Assertions.Expect(page.Locator("#bulk > button[hidden]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#bulk > button[hidden]")).ToBeHiddenAsync();

        // Resolving without the summary: refused for the batch, in one line, nothing moved.
        foreach (var id in new[] { first, second })
        {
            await page.GetByTestId($"pick-{id}").CheckAsync();
        }

        await page.GetByTestId("bulk-move").Locator("summary").ClickAsync();
        await page.Locator("#bulk-to").SelectOptionAsync("resolved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-problems")).ToHaveTextAsync("To resolve cases, write the resolution summary and choose a root cause; it is recorded on each case.");
        (await GetAsync($"/api/cases/{first}")).GetProperty("case").GetProperty("status").GetString().ShouldBe("new");

        // The refused batch comes back as it was typed: the move still open, resolved still chosen; only the ticks are redone.
        await Assertions.Expect(page.GetByTestId("bulk-move")).ToHaveJSPropertyAsync("open", true);
        await Assertions.Expect(page.Locator("#bulk-to")).ToHaveValueAsync("resolved");

        foreach (var id in new[] { first, second, moved })
        {
            await page.GetByTestId($"pick-{id}").CheckAsync();
        }

        // A colleague starts work on one of them after the queue was loaded: the batch must not resolve it over their head.
        await PostAsync($"/api/cases/{moved}/transition", new { to = "in_progress", reason = "calling the customer (test)" });
        await page.Locator("#bulk-summary").FillAsync("Batch recalled and replaced; refunds issued to everyone who wrote in.");
        await page.Locator("#bulk-root-cause").SelectOptionAsync("product_defect");
        await page.Locator("#bulk-reason").FillAsync("one incident, one answer");

        // An agent left chosen in the assignment above must not matter: Enter in the move's text field moves the cases.
        await page.Locator("#bulk-agent").SelectOptionAsync("agent-wu");
        await ShotAsync(page, "form");
        await page.Locator("#bulk-reason").PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Moved 2 cases to resolved.");
        await Assertions.Expect(page.GetByTestId("bulk-problems")).ToHaveTextAsync($"#{moved} changed since the queue was loaded and was not moved; open it to see where it is now.");
        var back = new Uri(page.Url);
        back.AbsolutePath.ShouldBe("/cases");
        back.Query.ShouldContain("status=new", customMessage: "back to the same view");
        var left = await RowIdsAsync(page);
        left.ShouldNotContain(first);
        left.ShouldNotContain(second);
        await ShotAsync(page);

        foreach (var id in new[] { first, second })
        {
            var detail = await GetAsync($"/api/cases/{id}");
            detail.GetProperty("case").GetProperty("status").GetString().ShouldBe("resolved");
            detail.GetProperty("resolutionSummary").GetString().ShouldBe("Batch recalled and replaced; refunds issued to everyone who wrote in.");
            detail.GetProperty("rootCause").GetString().ShouldBe("product_defect");
            detail.GetProperty("case").GetProperty("owner").GetString().ShouldNotBe("agent-wu", "Enter moved the cases; it did not assign them");
            detail.GetProperty("audit").EnumerateArray().ShouldContain(a => a.GetProperty("what").GetString() == "status"
                && a.GetProperty("after").GetString() == "resolved" && a.GetProperty("reason").GetString() == "one incident, one answer");
        }

        (await GetAsync($"/api/cases/{moved}")).GetProperty("case").GetProperty("status").GetString().ShouldBe("in_progress");

        // In Chinese: nothing ticked is said in the reader's language.
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync("/cases?status=new");
        await zh.GetByTestId("bulk-move").Locator("summary").ClickAsync();
        await zh.Locator("#bulk-to").SelectOptionAsync("in_progress");
        await zh.GetByRole(AriaRole.Button, new() { Name = "变更状态", Exact = true }).ClickAsync();
        await Assertions.Expect(zh.GetByTestId("bulk-problems")).ToHaveTextAsync("请在列表中勾选要改状态的工单。");
        await ShotAsync(zh, "zh");
    }

    [Fact]
    public async Task UnknownSort_IsRefusedInTheReadersLanguage()
    {
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases?sort=soonest");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The queue cannot be sorted by 'soonest'; choose priority first or due soonest.");
        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync("/cases?sort=soonest");
        await Assertions.Expect(zh.GetByRole(AriaRole.Alert)).ToHaveTextAsync("工单队列无法按“soonest”排序；请选择“优先级优先”或“最先到期”。");
        await ShotAsync(zh);
    }

    /// <summary>
    /// A person whose only role is support lands on the queue: the whole open queue while they own no open case,
    /// their own cases once they do. The overview stays one click away under the same "Overview" link.
    /// </summary>
    [Fact]
    public async Task SupportAgent_LandsOnTheQueue_TheirOwnOnceTheyHoldACase_AndStillReachesTheOverview()
    {
        const string name = "sue.support";
        await using (var scope = Fixture.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var user = new ConsoleUser { UserName = name, CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
            (await users.CreateAsync(user, ConsoleFixture.Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(user, "support")).Succeeded.ShouldBeTrue();
        }

        var page = await OpenAsync();
        var signIn = await SignInPage.OpenAsync(page);
        await signIn.SignInAsync(name, ConsoleFixture.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/cases");
        new Uri(page.Url).PathAndQuery.ShouldBe("/cases", "no open case of sue's yet: the open queue");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Complaint cases");

        // Sue takes the first case of the queue; the root now opens her own cases.
        var id = (await RowIdsAsync(page))[0];
        await page.GotoAsync($"/cases/{id}");
        await page.GetByTestId("take").ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-owner")).ToContainTextAsync(name);
        await page.GotoAsync("/");
        new Uri(page.Url).PathAndQuery.ShouldBe("/cases?mine=true");
        await Assertions.Expect(page.Locator("nav.tabs a[aria-current=page]")).ToContainTextAsync("My cases");
        (await RowIdsAsync(page)).ShouldContain(id);

        // The overview: the main menu's link, marked current there; its range links still show it.
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await nav.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/overview");
        var overview = new OverviewPage(page);
        await Assertions.Expect(overview.Heading).ToHaveTextAsync("Overview");
        await Assertions.Expect(overview.ReadyCharts).ToHaveCountAsync(2);
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await page.GotoAsync("/?range=30d");
        await Assertions.Expect(overview.Heading).ToHaveTextAsync("Overview");
        await ShotAsync(page);

        // Whoever has another role besides support keeps the overview at the root.
        await using (var scope = Fixture.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            (await users.AddToRoleAsync((await users.FindByNameAsync(name))!, "pr")).Succeeded.ShouldBeTrue();
        }

        var both = await OpenAsync();
        await (await SignInPage.OpenAsync(both)).SignInAsync(name, ConsoleFixture.Password);
        await both.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal));
        new Uri(both.Url).AbsolutePath.ShouldBe("/");
        await Assertions.Expect(new OverviewPage(both).Heading).ToHaveTextAsync("Overview");
    }
}
