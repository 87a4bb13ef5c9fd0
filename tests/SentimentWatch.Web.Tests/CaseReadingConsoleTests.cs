using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Sla;

namespace SentimentWatch.Web.Tests;

/// <summary>What support staff read on the case pages, in English and Chinese: labels, not codes; local times; one "breached".</summary>
public sealed class CaseReadingConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    /// <summary>The console's display labels for the complaint taxonomy (docs/console.md).</summary>
    private static readonly Dictionary<string, (string En, string Zh)> CategoryLabels = new()
    {
        ["product_quality"] = ("product quality", "产品质量"),
        ["service_attitude"] = ("service attitude", "服务态度"),
        ["logistics"] = ("logistics", "物流配送"),
        ["price_billing"] = ("price and billing", "价格与扣费"),
        ["refund_return"] = ("refund and return", "退款退货"),
        ["safety"] = ("product and food safety", "产品与食品安全"),
        ["privacy_security"] = ("privacy and security", "隐私安全"),
        ["other"] = ("other", "其他"),
    };

    /// <summary>An English label as a list offers it: in sentence case ("Product quality"), decision 236.</summary>
    private static string AsChoice(string label) => char.ToUpperInvariant(label[0]) + label[1..];

    [Fact]
    public async Task ABackDatedPost_OpensACaseThatIsNotBreached_AndSaysHowLongThePostWaited()
    {
        // A case the demo replay opened from a post more than an hour old.
        long? found = null;
        foreach (var c in await ListAsync("/api/cases?status=all&pageSize=200"))
        {
            var candidate = await CaseAsync(c.GetProperty("id").GetInt64());
            if (candidate.GetProperty("postedAt") is { ValueKind: JsonValueKind.String } posted
                && c.GetProperty("openedAt").GetDateTimeOffset() - posted.GetDateTimeOffset() > TimeSpan.FromHours(1))
            {
                found = c.GetProperty("id").GetInt64();
                break;
            }
        }

        var id = found.ShouldNotBeNull("the demo replay holds posts from past days");
        var detail = await CaseAsync(id);
        detail.GetProperty("sla").GetProperty("firstResponse").GetProperty("breached").GetBoolean().ShouldBeFalse("a late-found post does not open breached (decision 226)");

        var page = await OpenAsync("support");
        await page.GotoAsync($"/cases/{id}");
        await Assertions.Expect(page.GetByTestId("case-posted")).ToContainTextAsync("before the case opened");
        await Assertions.Expect(page.GetByTestId("case-posted")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(d|h|m)[\d hm]* before the case opened$"));
        await ShotAsync(page, "en");

        var zh = await OpenAsync("support", "zh-CN");
        await zh.GotoAsync($"/cases/{id}");
        await Assertions.Expect(zh.GetByTestId("case-posted")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^立案前 \d+(天|小时|分钟)"));

        // The mention's part in the case and the watch read in the reader's language, by name (QA found "opened" and "lumo").
        await Assertions.Expect(zh.GetByTestId("mention-reason").Filter(new() { HasTextString = "立案帖" })).Not.ToHaveCountAsync(0);
        await Assertions.Expect(zh.GetByTestId("mention-reason").Filter(new() { HasTextString = "opened" })).ToHaveCountAsync(0);
        await Assertions.Expect(zh.Locator("dt:text-is('监测项') + dd")).ToHaveTextAsync("Lumo Coffee / 绿莫咖啡");
        await Assertions.Expect(page.GetByTestId("mention-reason").Filter(new() { HasTextString = "opened the case" })).Not.ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ABreachedCase_SaysBreachedOnce_AndItsAuditTrailShowsLabelsAndLocalTimes_InBothLanguages()
    {
        var id = await BreachAsync();
        var category = (await CaseAsync(id)).GetProperty("case").GetProperty("category").GetString()!;

        // The badge says the case is breached; the clock beside it which deadline passed and how long ago, without saying
        // it again (QA read "已超时 首次响应超时 2小时").
        foreach (var (locale, breached, words, clock, categoryLabel, kind) in new[]
        {
            ("en-US", "SLA breached", new[] { "breached", "overdue" }, "first response was due 2h ago", CategoryLabels[category].En, "SLA breached"),
            ("zh-CN", "已超时", new[] { "超时" }, "首次响应时限已过 2小时", CategoryLabels[category].Zh, "SLA 超时"),
        })
        {
            var page = await OpenAsync("support", locale);
            await page.GotoAsync("/cases?breached=true");
            var sla = page.Locator($"[data-testid=case-queue] tr[data-case-id='{id}'] td:not(.pick)").Nth(5);
            await Assertions.Expect(sla).ToContainTextAsync(breached);
            await Assertions.Expect(sla.GetByTestId("case-deadline")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("sla-breached"));
            await Assertions.Expect(sla.GetByTestId("case-deadline")).ToHaveTextAsync(clock);
            var text = await sla.InnerTextAsync();
            words.Sum(word => Occurrences(text, word)).ShouldBe(1, $"'{text}' says it once");
            await Assertions.Expect(page.Locator($"[data-testid=case-queue] tr[data-case-id='{id}'] td:not(.pick)").Nth(3)).ToHaveTextAsync(categoryLabel);
            await ShotAsync(page, "queue-" + locale);

            await page.GotoAsync($"/cases/{id}");
            await Assertions.Expect(page.GetByTestId("case-category")).ToHaveTextAsync(categoryLabel);
            var row = page.Locator("[data-testid=audit] tr", new() { Has = page.Locator("td[data-what=sla_breach]") });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(kind);
            var change = await row.Locator("td").Nth(3).InnerTextAsync();
            change.ShouldNotContain("first_response");
            change.ShouldContain(locale == "en-US" ? "first response due" : "首次响应 截止");
            change.ShouldNotContain("+00:00");
            change.ShouldNotContain("T0");
            var shown = row.Locator("td time[data-style=zone]");
            await Assertions.Expect(shown).ToHaveCountAsync(1);
            // Local time with its zone, as console.js writes it: never the stored round-trip form.
            (await shown.InnerTextAsync()).ShouldNotBe(await shown.GetAttributeAsync("datetime"));
            await Assertions.Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"(UTC|GMT|[A-Z]{2,5})"));

            // The desk's own entry of the opening reads in the reader's language too (QA found "from mention" in Chinese).
            var opened = page.Locator("[data-testid=audit] tr", new() { Has = page.Locator("td[data-what=opened]") }).Locator("td").Nth(3);
            await Assertions.Expect(opened).ToContainTextAsync(locale == "en-US" ? "from mention" : "来自 帖子");
            await ShotAsync(page, "detail-" + locale);
        }
    }

    [Fact]
    public async Task RootCauseChoices_ShowTheirLabels_InBothLanguages()
    {
        var id = (await ListAsync("/api/cases?status=open&pageSize=200")).First().GetProperty("id").GetInt64();
        foreach (var (locale, productDefect, noFault) in new[] { ("en-US", "Product defect", "No fault found"), ("zh-CN", "产品缺陷", "未发现问题") })
        {
            var page = await OpenAsync("support", locale);
            await page.GotoAsync($"/cases/{id}");
            await Assertions.Expect(page.Locator("#rootCause option[value=product_defect]")).ToHaveTextAsync(productDefect);
            await Assertions.Expect(page.Locator("#rootCause option[value=no_fault_found]")).ToHaveTextAsync(noFault);
            (await page.Locator("#rootCause").InnerTextAsync()).ShouldNotContain("_");
        }
    }

    [Fact]
    public async Task TheCrisisAlertOfACase_IsALinkOnlyForThoseWhoMayOpenAlerts()
    {
        var linked = (await ListAsync("/api/cases?status=all&pageSize=200")).FirstOrDefault(c => c.GetProperty("alertId").ValueKind == JsonValueKind.Number);
        linked.ValueKind.ShouldNotBe(JsonValueKind.Undefined, "the demo's complaint storm raises an alert its cases link to");
        var id = linked.GetProperty("id").GetInt64();
        var alertId = linked.GetProperty("alertId").GetInt64();

        var support = await OpenAsync("support");
        await support.GotoAsync($"/cases/{id}");
        await Assertions.Expect(support.GetByTestId("case-alert").First).Not.ToBeEmptyAsync();
        await Assertions.Expect(support.GetByTestId("case-alert").GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await ShotAsync(support, "support");

        var admin = await OpenAsync("admin");
        await admin.GotoAsync($"/cases/{id}");
        await Assertions.Expect(admin.GetByTestId("case-alert").GetByRole(AriaRole.Link).First).ToHaveAttributeAsync("href", $"/alerts/{alertId}");
        await admin.GetByTestId("case-alert").GetByRole(AriaRole.Link).First.ClickAsync();
        await admin.WaitForURLAsync(url => url.EndsWith($"/alerts/{alertId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusedForms_SayWhyInTheReadersLanguage()
    {
        var id = (await ListAsync("/api/cases?status=new&pageSize=200"))[1].GetProperty("id").GetInt64();
        var page = await OpenAsync("support", "zh-CN");
        await page.GotoAsync($"/cases/{id}");
        await page.Locator("#to").SelectOptionAsync("resolved");
        await page.Locator("form:has(#to) button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveTextAsync("解决工单需要填写解决说明。");

        await page.Locator("#into").FillAsync("9999");
        await page.Locator("form:has(#into) button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveTextAsync("没有 #9999 号工单。");
        await ShotAsync(page, "zh");

        var en = await OpenAsync("support");
        await en.GotoAsync($"/cases/{id}");
        await en.Locator("#into").FillAsync("9999");
        await en.GetByRole(AriaRole.Button, new() { Name = "Merge" }).ClickAsync();
        await Assertions.Expect(en.GetByTestId("problem")).ToHaveTextAsync("There is no case #9999.");
    }

    [Fact]
    public async Task TheQueue_FiltersByACategoryChosenByItsLabel_AndEachCheckboxSitsBesideItsLabel()
    {
        var category = (await ListAsync("/api/cases?status=open&pageSize=200")).GroupBy(c => c.GetProperty("category").GetString()!).OrderByDescending(g => g.Count()).First();
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases");
        await page.Locator("select#category").SelectOptionAsync(new SelectOptionValue { Label = AsChoice(CategoryLabels[category.Key].En) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("category=" + category.Key, StringComparison.Ordinal));
        var rows = page.Locator("[data-testid=case-queue] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(Math.Min(category.Count(), 50));
        await Assertions.Expect(page.Locator("select#category option:checked")).ToHaveTextAsync(AsChoice(CategoryLabels[category.Key].En));

        foreach (var name in new[] { "mine", "breached" })
        {
            var box = page.Locator($"input[type=checkbox][name={name}]");
            var label = page.Locator($"label.check:has(input[name={name}])");
            var boxAt = (await box.BoundingBoxAsync()).ShouldNotBeNull();
            var labelAt = (await label.BoundingBoxAsync()).ShouldNotBeNull();
            boxAt.Width.ShouldBeLessThan(30, "a checkbox, not a stretched text box");
            (boxAt.X - labelAt.X).ShouldBeLessThan(4, "the box starts its label");
            Math.Abs((boxAt.Y + boxAt.Height / 2) - (labelAt.Y + labelAt.Height / 2)).ShouldBeLessThan(6, "box and words on one line");
            labelAt.Height.ShouldBeLessThan(40);
        }

        await ShotAsync(page);
    }

    [Fact]
    public async Task Metrics_LabelEveryCategory_AndSayWhenThereIsNothingToShowYet()
    {
        var page = await OpenAsync("support", width: 900);
        await page.GotoAsync("/cases/metrics?groupBy=category");
        var chart = page.Locator("canvas[data-testid=metrics-chart][data-chart-ready=true]");
        await Assertions.Expect(chart).ToHaveCountAsync(1);
        var counts = await chart.EvaluateAsync<int[]>("c => [c.chart.scales.x.ticks.length, c.chart.data.labels.length]");
        var (ticks, labels) = (counts[0], counts[1]);
        labels.ShouldBeGreaterThan(3);
        ticks.ShouldBe(labels, "every bar has its label, the tallest too");
        (await chart.EvaluateAsync<string[]>("c => c.chart.data.labels")).ShouldNotContain(l => l.Contains('_'));

        var metrics = await GetAsync("/api/cases/metrics?groupBy=category");
        var anyTimes = metrics.GetProperty("groups").EnumerateArray().Any(g => g.GetProperty("medianFirstResponseMinutes").ValueKind == JsonValueKind.Number || g.GetProperty("medianResolutionMinutes").ValueKind == JsonValueKind.Number);
        await Assertions.Expect(page.GetByTestId("no-response-times")).ToHaveCountAsync(anyTimes ? 0 : 1);
        await Assertions.Expect(page.Locator("canvas[data-testid=times-chart]")).ToHaveCountAsync(anyTimes ? 1 : 0);
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain("–%");
        await ShotAsync(page);
    }

    private static int Occurrences(string text, string word) => (text.Length - text.Replace(word, "", StringComparison.Ordinal).Length) / word.Length;

    /// <summary>Lets the real SLA watch find an open case's first response overdue, as it would after three hours unanswered.</summary>
    private async Task<long> BreachAsync()
    {
        var id = (await ListAsync("/api/cases?status=new&pageSize=200"))[0].GetProperty("id").GetInt64();
        var dbs = Fixture.Services.GetRequiredService<IDbContextFactory<CasesDbContext>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            var c = await db.Cases.SingleAsync(x => x.Id == id);
            c.ClockStartedAt -= TimeSpan.FromHours(3);
            c.FirstResponseTarget = TimeSpan.FromHours(1);
            c.FirstResponseDueAt = DateTimeOffset.UtcNow - TimeSpan.FromHours(2);
            c.UpdateDueKey();
            await db.SaveChangesAsync();
        }

        await using var scope = Fixture.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SlaWatch>().RunAsync(default);
        (await CaseAsync(id)).GetProperty("sla").GetProperty("breached").GetBoolean().ShouldBeTrue();
        return id;
    }

    private async Task<List<JsonElement>> ListAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
    }

    private Task<JsonElement> CaseAsync(long id) => GetAsync($"/api/cases/{id}");
}
