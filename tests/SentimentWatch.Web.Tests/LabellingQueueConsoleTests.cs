using System.Globalization;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

/// <summary>"Label these first" (decision 212): the demo's real scored mentions, least certain first; a correction takes one off the queue.</summary>
public sealed class LabellingQueueConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    private static async Task<double[]> CertaintiesAsync(IPage page) =>
        [.. (await page.GetByTestId("queued").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.certainty)"))
            .Select(c => double.Parse(c, CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Analyst_SeesTheLeastCertainFirst_CorrectsOne_AndItLeavesTheQueue()
    {
        var page = await OpenAsync("analyst");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "To label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Label these first");
        await Assertions.Expect(page.GetByTestId("queue-summary")).ToContainTextAsync("the least certain first");

        var certainties = await CertaintiesAsync(page);
        certainties.Length.ShouldBeGreaterThan(1, "the demo replay's scored mentions fill the queue");
        certainties.ShouldBe(certainties.Order().ToArray(), "least certain first");
        certainties[0].ShouldBeLessThan(0.5);
        await ShotAsync(page, "queue");

        var first = page.GetByTestId("queued").First;
        var text = (await first.Locator("p.text").InnerTextAsync()).Trim();
        await first.GetByTestId("correct").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/mentions/", StringComparison.Ordinal));
        var mentionPath = new Uri(page.Url).AbsolutePath;
        await page.Locator("#label-sentiment").SelectOptionAsync("neutral");
        await page.Locator("#label-note").FillAsync("queue: neither complaint nor praise");
        await Assertions.Expect(page.GetByTestId("back-to-queue")).ToBeVisibleAsync();
        await page.GetByTestId("labels").GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();

        // Saved from the queue, the analyst is back on it with the notice, and the next least certain mention on top.
        await page.WaitForURLAsync(url => url.Contains("/to-label", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Labels corrected");
        var links = await page.GetByTestId("correct").EvaluateAllAsync<string[]>("links => links.map(l => new URL(l.href).pathname)");
        links.ShouldNotContain(mentionPath, $"'{text}' was corrected, so it left the queue");
        (await CertaintiesAsync(page)).ShouldBe((await CertaintiesAsync(page)).Order().ToArray());
    }

    [Fact]
    public async Task TheTopicQueue_HoldsComplaintsOnly_AndTheQueueSpeaksChinese()
    {
        var page = await OpenAsync("analyst", locale: "zh-CN");
        await page.GotoAsync("/to-label?kind=topic");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("优先标注");
        var badges = await page.GetByTestId("queued").Locator(".meta .badge").AllAsync();
        badges.Count.ShouldBeGreaterThan(0, "the demo's complaints have topics to check");
        foreach (var badge in badges)
        {
            (await badge.GetAttributeAsync("class"))!.ShouldContain("negative");
        }

        var certainties = await CertaintiesAsync(page);
        certainties.ShouldBe(certainties.Order().ToArray());
        await ShotAsync(page, "topic-zh");
    }

    [Fact]
    public async Task SupportStaff_AreRefusedTheQueue_AndBadFiltersAreExplained()
    {
        var support = await OpenAsync("support");
        (await support.GotoAsync("/to-label"))!.Status.ShouldBe(403);

        var page = await OpenAsync("analyst");
        await page.GotoAsync("/to-label?kind=loudest&from=yesterday");
        var errors = page.GetByRole(AriaRole.Alert);
        // Named by their boxes' labels, as the search names them (decision 236), not by their names in the URL.
        await Assertions.Expect(errors).ToContainTextAsync("Least sure of: 'loudest' is not one of the choices: Sentiment, Complaint topic.");
        await Assertions.Expect(errors).ToContainTextAsync("From: 'yesterday' is not a date or time");
        (await page.GetByTestId("queued").CountAsync()).ShouldBe(0);
    }
}
