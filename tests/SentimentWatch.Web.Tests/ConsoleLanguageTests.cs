using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// Found in an analyst's and a support agent's walk-through of the console (decision 236): refused filters said in English in
/// the Chinese console, dropdowns that offered identifiers ("negative", "in_progress"), and a food-safety post whose mention
/// page listed no risk terms although the watch's alert rule looks for 食品安全.
/// </summary>
public sealed partial class ConsoleLanguageTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    /// <summary>Every kind of refusal the search and the labelling queue can show, as the Chinese console says it.</summary>
    public static TheoryData<string, string, string> ChineseRefusals => new()
    {
        { "/search?from=yesterday", "not-a-date", "开始：“yesterday”不是日期或时间；请填写日期（如 2026-11-01）或时间（如 2026-11-01T08:00:00+08:00）。" },
        { "/search?from=1900-01-01", "outside-searchable-range", "^开始：“1900-01-01”超出了可搜索的范围（2000-01-01 至 \\d{4}-\\d{2}-\\d{2}）。$" },
        { "/search?from=2026-11-05&to=2026-11-01", "to-not-after-from", "结束：“2026-11-01”不晚于开始时间“2026-11-05”；请填写晚于开始时间的日期。" },
        { "/search?sentiment=angry", "not-a-sentiment", "情感：“angry”不是情感倾向；请选择负面、中性或正面。" },
        { "/search?minReach=-5", "not-a-whole-number-at-least", "最低传播量：“-5”不是不小于 0 的整数。" },
        { "/search?pageSize=500", "not-a-whole-number-in-range", "每页条数：“500”不是 1 到 200 之间的整数。" },
        { "/search?sort=loudest", "not-a-choice", "排序：“loudest”不是可选项；可选：相关度、最新、最早、传播量。" },
        { "/search?cursor=garbage", "invalid-cursor", "翻页：此翻页链接已不适用于当前搜索；请从第一页重新开始。" },
        { "/search?q=" + Uri.EscapeDataString("(退款 AND"), "query-operator-needs-term-after", "查询：第 5 个字符处的“AND”后面缺少搜索词。" },
        { "/search?q=" + Uri.EscapeDataString("AND 退款"), "query-operator-needs-term-before", "查询：第 1 个字符处的“AND”前面缺少搜索词。" },
        { "/search?q=" + Uri.EscapeDataString("退款)"), "query-unopened-parenthesis", "查询：第 3 个字符处的“)”没有对应的“(”。" },
        { "/search?q=" + Uri.EscapeDataString("(退款"), "query-unclosed-parenthesis", "查询：第 1 个字符处的“(”没有闭合。" },
        { "/search?q=" + Uri.EscapeDataString("退款 ()"), "query-empty-parentheses", "查询：第 4 个字符处的括号里没有内容。" },
        { "/search?q=" + Uri.EscapeDataString("source:"), "query-field-needs-value", "查询：第 1 个字符处的“source:”后面缺少值，例如 source:weibo。" },
        { "/search?q=" + Uri.EscapeDataString(new string('(', 33) + "退款" + new string(')', 33)), "query-too-deep", "查询：第 33 个字符处的括号嵌套超过了 32 层。" },
        { "/search?q=" + Uri.EscapeDataString(string.Join(" OR ", Enumerable.Range(1, 201).Select(i => "w" + i))), "query-too-many-terms", "查询：共 201 个词，最多允许 200 个。" },
        { "/search?q=" + new string('a', 2001), "query-too-long", "查询：共 2001 个字符，最多允许 2000 个。" },
        { "/to-label?kind=everything", "not-a-choice", "最没把握的：“everything”不是可选项；可选：情感、投诉类别。" },
        { "/to-label?to=2026-02-30", "not-a-date", "结束：“2026-02-30”不是日期或时间；请填写日期（如 2026-11-01）或时间（如 2026-11-01T08:00:00+08:00）。" },
    };

    [Theory]
    [MemberData(nameof(ChineseRefusals))]
    public async Task RefusedFilter_InChinese_ReadsAsAChineseSentence(string url, string code, string expected)
    {
        var page = await OpenAsync("analyst", locale: "zh-CN");
        await page.GotoAsync(url);
        var refusal = page.Locator($"[data-testid=refused] li[data-code='{code}']");
        await Assertions.Expect(refusal).ToHaveCountAsync(1);
        var text = (await refusal.InnerTextAsync()).Trim();
        if (expected.StartsWith('^'))
        {
            text.ShouldMatch(expected);
        }
        else
        {
            text.ShouldBe(expected);
        }

        // Nothing of the API's English sentence: no English word but what the analyst typed and the examples.
        EnglishWords().Matches(text).Select(m => m.Value).Except(["yesterday", "angry", "loudest", "everything", "AND", "source", "weibo", "T08"]).ShouldBeEmpty();
        await ShotAsync(page, code + (url.StartsWith("/to-label", StringComparison.Ordinal) ? "-queue" : ""));
    }

    [Fact]
    public async Task RefusedFilters_InEnglish_ReadFromTheConsolesResources_AndTheApiKeepsItsSentences()
    {
        var page = await OpenAsync("analyst");
        await page.GotoAsync("/search?sort=loudest&from=2026-11-05&to=2026-11-01");
        await Assertions.Expect(page.Locator("[data-testid=refused] li[data-code=not-a-choice]")).ToHaveTextAsync("Sort: 'loudest' is not one of the choices: relevance, newest, oldest, reach.");
        await Assertions.Expect(page.Locator("[data-testid=refused] li[data-code=to-not-after-from]")).ToHaveTextAsync("To: '2026-11-01' is not later than the start, '2026-11-05'; choose a later end.");
        await ShotAsync(page);

        // API clients read the same English problem details as before the codes.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/mentions?sort=loudest&from=2026-11-05&to=2026-11-01&minReach=-5");
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("Some search parameters are not valid.");
        var errors = problem.GetProperty("errors");
        errors.GetProperty("sort")[0].GetString().ShouldBe("'loudest' is not one of relevance, newest, oldest, reach.");
        errors.GetProperty("to")[0].GetString().ShouldBe("'to' (2026-11-01) must be after 'from' (2026-11-05); a date as 'to' includes its day.");
        errors.GetProperty("minReach")[0].GetString().ShouldBe("'-5' is not a whole number of at least 0.");
    }

    /// <summary>The console's pages with choices, and who can open them.</summary>
    private async Task<string[]> PagesWithChoicesAsync()
    {
        var mention = (await GetAsync("/api/mentions?sort=reach&pageSize=1")).GetProperty("hits")[0].GetProperty("mention").GetProperty("id").GetString()!;
        var cases = (await GetAsync("/api/cases?pageSize=1")).GetProperty("items");
        cases.GetArrayLength().ShouldBeGreaterThan(0, "the demo data should open complaint cases for the lumo watch");
        var caseId = cases[0].GetProperty("id").GetInt64();
        return ["/search", "/to-label", "/mentions/" + Uri.EscapeDataString(mention), "/cases", $"/cases/{caseId}", "/cases/metrics", "/ops/users"];
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task EveryChoice_ReadsAsALabel_NeverAsAnIdentifier(string locale)
    {
        var page = await OpenAsync("admin", locale: locale);
        foreach (var path in await PagesWithChoicesAsync())
        {
            await page.GotoAsync(path);
            var options = await page.Locator("select option").AllInnerTextsAsync();
            options.Count.ShouldBeGreaterThan(0, path);
            // The labels of the boxes and of the facts beside them too (the mention page's "negative 99%").
            var labels = await page.Locator("main label, main dl dt").AllInnerTextsAsync();
            foreach (var option in options.Concat(labels).Select(o => o.Trim()).Where(o => o.Length > 0))
            {
                // Identifiers are lower case and joined by underscores; an English label starts as a sentence does, a Chinese
                // one is Chinese (where a user name may lead: "ada 的角色").
                option.ShouldNotContain("_", customMessage: $"{path}: '{option}'");
                option.ShouldNotMatch(locale == "zh-CN" ? "^[a-z][a-z -]*$" : "^[a-z]", customMessage: $"{path}: '{option}'");
            }

            await ShotAsync(page, locale + path.Replace('/', '_'));
        }

        await page.GotoAsync("/search");
        var sentiments = (await page.Locator("#sentiment option").AllInnerTextsAsync()).Select(o => o.Trim()).ToArray();
        var topics = (await page.Locator("#topic option").AllInnerTextsAsync()).Select(o => o.Trim()).ToArray();
        await page.GotoAsync("/to-label");
        var languages = (await page.Locator("#language option").AllInnerTextsAsync()).Select(o => o.Trim()).ToArray();
        if (locale == "zh-CN")
        {
            sentiments.ShouldBe(["全部", "负面", "中性", "正面"]);
            topics.ShouldContain("隐私安全");
            languages.ShouldBe(["全部", "中文", "英文"]);
        }
        else
        {
            sentiments.ShouldBe(["All", "Negative", "Neutral", "Positive"]);
            topics.ShouldContain("Privacy and security");
            languages.ShouldBe(["All", "Chinese", "English"]);
        }
    }

    [Fact]
    public async Task CaseStatusChoices_ReadAsLabels_InTheQueueFilter()
    {
        var page = await OpenAsync("support");
        await page.GotoAsync("/cases");
        var statuses = (await page.Locator("#status option").AllInnerTextsAsync()).Select(o => o.Trim()).ToArray();
        statuses.ShouldContain("In progress");
        statuses.ShouldContain("Waiting on customer");
        var zh = await OpenAsync("support", locale: "zh-CN");
        await zh.GotoAsync("/cases");
        (await zh.Locator("#status option").AllInnerTextsAsync()).Select(o => o.Trim()).ShouldContain("处理中");
        await ShotAsync(page);
    }

    [Fact]
    public async Task FoodSafetyPost_ShowsTheRiskTermsTheWatchsRulesFindInIt_MarkedInTheText()
    {
        // A real Chinese post, no spaces between its words: 食品安全 is a term of the lumo watch's riskTerms rule
        // (appsettings.json), not of the scorer's own risk vocabulary.
        var run = Guid.NewGuid().ToString("N")[..8];
        var text = $"绿莫咖啡这家门店的食品安全真让人担心，今天买的三明治已经变质了，店员还说没问题（{run}）";
        var post = new[]
        {
            new
            {
                source = "weibo",
                externalId = $"web-test-food-safety-{run}",
                url = $"https://weibo.example.com/web-test/food-safety/{run}",
                author = "上海顾客",
                text,
                publishedAt = DateTimeOffset.UtcNow.AddMinutes(-2),
                reach = 300,
            },
        };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/mentions") { Content = JsonContent.Create(post) })
        {
            request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
            (await Fixture.Http.SendAsync(request)).IsSuccessStatusCode.ShouldBeTrue();
        }

        var id = await IndexedIdAsync(run);
        var mention = await GetAsync("/api/mentions/" + Uri.EscapeDataString(id));
        mention.GetProperty("riskTerms").EnumerateArray().Select(t => t.GetString()).ShouldNotContain("食品安全", "the scorer's vocabulary has no 食品安全; the rule's does");

        var page = await OpenAsync("analyst", locale: "zh-CN");
        await page.GotoAsync("/mentions/" + Uri.EscapeDataString(id));
        await Assertions.Expect(page.GetByTestId("risk-terms")).ToContainTextAsync("食品安全");
        await Assertions.Expect(page.GetByTestId("risk-terms")).ToContainTextAsync("本监测项告警规则关注的词");
        await Assertions.Expect(page.Locator("[data-testid=mention-text] mark[data-testid=risk-mark]")).ToHaveTextAsync("食品安全");
        await ShotAsync(page, "zh");

        var en = await OpenAsync("analyst");
        await en.GotoAsync("/mentions/" + Uri.EscapeDataString(id));
        await Assertions.Expect(en.GetByTestId("risk-terms")).ToContainTextAsync("食品安全");
        await Assertions.Expect(en.GetByTestId("risk-terms")).ToContainTextAsync("what the watch's alert rules look for");
        await ShotAsync(en, "en");
    }

    private async Task<string> IndexedIdAsync(string run)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var hits = (await GetAsync("/api/mentions?q=" + Uri.EscapeDataString(run))).GetProperty("hits");
            if (hits.GetArrayLength() > 0)
            {
                return hits[0].GetProperty("mention").GetProperty("id").GetString()!;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the post {run} was not indexed within a minute");
    }

    [GeneratedRegex("[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex EnglishWords();
}
