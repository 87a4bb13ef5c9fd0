using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

/// <summary>An analyst corrects a mention's labels on its page (decision 160): the same correction the labels API records.</summary>
public sealed class LabelCorrectionConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Analyst_CorrectsSentimentAndTopic_OnTheMentionPage_AndTheApiAndHistoryShowIt()
    {
        var mentionId = await AnyMentionAsync("refund");
        var page = await OpenAsync("analyst");
        await page.GotoAsync($"/mentions/{Uri.EscapeDataString(mentionId)}");
        var labels = page.GetByTestId("labels");
        await Assertions.Expect(labels.GetByTestId("no-corrections")).ToBeVisibleAsync();

        // Nothing chosen: refused with the reason, nothing recorded.
        await labels.GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("label-errors")).ToHaveTextAsync("Choose the correct sentiment, the correct topic or both; leave the other unchanged.");

        await page.Locator("#label-sentiment").SelectOptionAsync("positive");
        await page.Locator("#label-topic").SelectOptionAsync("logistics");
        await page.Locator("#label-note").FillAsync("thanks the courier, not a refund complaint");
        await labels.GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Labels corrected");
        var history = page.GetByTestId("label-history");
        await Assertions.Expect(history).ToContainTextAsync(ConsoleFixture.People["analyst"]);
        await Assertions.Expect(history).ToContainTextAsync("→ positive");
        await Assertions.Expect(history).ToContainTextAsync("thanks the courier");
        await Assertions.Expect(page.Locator("section[aria-labelledby=scores] .badge.positive").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("sentiment-corrected")).ToContainTextAsync(ConsoleFixture.People["analyst"]);
        await Assertions.Expect(page.GetByTestId("topic-corrected")).ToContainTextAsync("model:");
        await ShotAsync(page);

        var api = await LabelsAsync(mentionId);
        api.GetProperty("sentiment").GetString().ShouldBe("positive");
        api.GetProperty("topic").GetString().ShouldBe("logistics");
        var change = api.GetProperty("history").EnumerateArray().ShouldHaveSingleItem();
        change.GetProperty("by").GetString().ShouldBe(ConsoleFixture.People["analyst"]);
        change.GetProperty("note").GetString().ShouldBe("thanks the courier, not a refund complaint");
    }

    [Fact]
    public async Task A_refused_correction_reads_in_the_readers_language_and_keeps_what_was_typed_and_chosen()
    {
        var mentionId = await AnyMentionAsync("refund");
        var recorded = (await LabelsAsync(mentionId)).GetProperty("history").GetArrayLength();
        var page = await OpenAsync("analyst", locale: "zh-CN");
        await page.GotoAsync($"/mentions/{Uri.EscapeDataString(mentionId)}");
        var labels = page.GetByTestId("labels");

        // A note typed, nothing chosen: refused in Chinese, and the note is still in its box.
        await page.Locator("#label-note").FillAsync("客户其实在感谢快递员");
        await labels.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("label-errors")).ToHaveTextAsync("请选择正确的情感、正确的类别或两者；另一项可保持不变。");
        await Assertions.Expect(page.Locator("#label-note")).ToHaveValueAsync("客户其实在感谢快递员");
        await Assertions.Expect(page.Locator("#label-sentiment")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShotAsync(page, "zh");

        // A sentiment the desk does not know (a tampered form): the field is named in Chinese, the topic chosen stays chosen.
        await page.Locator("#label-sentiment option[value=negative]").EvaluateAsync("o => o.value = 'furious'");
        await page.Locator("#label-sentiment").SelectOptionAsync("furious");
        await page.Locator("#label-topic").SelectOptionAsync("logistics");
        await labels.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("label-errors")).ToHaveTextAsync("“furious”不是可选的情感。");
        await Assertions.Expect(page.Locator("#label-topic")).ToHaveValueAsync("logistics");
        await Assertions.Expect(page.Locator("#label-note")).ToHaveValueAsync("客户其实在感谢快递员");

        // Nothing was recorded by either refusal.
        (await LabelsAsync(mentionId)).GetProperty("history").GetArrayLength().ShouldBe(recorded);
    }

    [Fact]
    public async Task A_mention_from_a_customer_care_source_says_how_its_source_is_read_and_a_social_post_says_nothing()
    {
        // The default configuration serves the demo's e-mail gateway as customer care (decision 214).
        var email = await AnyMentionAsync("refund", "email-gateway");
        var weibo = await AnyMentionAsync("绿莫", "weibo");
        var page = await OpenAsync("analyst", locale: "zh-CN");
        await page.GotoAsync($"/mentions/{Uri.EscapeDataString(email)}");
        var genre = page.GetByTestId("source-genre");
        await Assertions.Expect(genre).ToContainTextAsync("客服渠道");
        await Assertions.Expect(genre).ToContainTextAsync("(email-gateway)");
        await ShotAsync(page, "zh");

        await page.GotoAsync($"/mentions/{Uri.EscapeDataString(weibo)}");
        await Assertions.Expect(page.Locator("section[aria-labelledby=scores]")).ToBeVisibleAsync();
        (await page.GetByTestId("source-genre").CountAsync()).ShouldBe(0);

        var english = await OpenAsync("analyst");
        await english.GotoAsync($"/mentions/{Uri.EscapeDataString(email)}");
        await Assertions.Expect(english.GetByTestId("source-genre")).ToContainTextAsync("customer care: written to the brand");
        await ShotAsync(english, "en");
    }

    private async Task<string> AnyMentionAsync(string query, string? source = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/mentions?q={Uri.EscapeDataString(query)}&pageSize=5" + (source is null ? "" : "&source=" + source));
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        // The last of the first five: other tests open the first hits.
        return body.GetProperty("hits").EnumerateArray().Last().GetProperty("mention").GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> LabelsAsync(string mentionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/mentions/{Uri.EscapeDataString(mentionId)}/labels");
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
