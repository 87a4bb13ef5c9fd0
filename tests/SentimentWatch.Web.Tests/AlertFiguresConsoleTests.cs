using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// "Why it fired" on the alert page: figures a PR person can read at a glance. A chart of the window against its baseline
/// where there is one; none where it would only redraw the figures beside it; no figure shown twice. The incidents are stored
/// as the incident desk stores them, on watches no configured rule evaluates, so no finding joins them while the test reads.
/// </summary>
public sealed class AlertFiguresConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    private async Task<long> StoreIncidentAsync(string watch, params Finding[] findings)
    {
        var now = DateTimeOffset.UtcNow;
        var alert = Alert.Open(watch, watch, "", findings, now);
        alert.Observe(findings, now, _ => null);
        await using var db = await Fixture.Services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        db.Alerts.Add(alert);
        await db.SaveChangesAsync();
        return alert.Id;
    }

    private static Finding Found(string watch, string rule, CrisisRuleKind kind, double measured, double threshold, int count, double? baseline, string summary) => new()
    {
        RuleId = rule,
        Kind = kind,
        WatchId = watch,
        Severity = AlertSeverity.Warning,
        Measured = measured,
        Threshold = threshold,
        Count = count,
        Baseline = baseline,
        WindowStart = DateTimeOffset.UtcNow.AddMinutes(-30),
        WindowEnd = DateTimeOffset.UtcNow,
        Summary = summary,
    };

    [Fact]
    public async Task ACountRule_ShowsItsFiguresOnce_AndNoChart()
    {
        var watch = "figures-count-" + Guid.NewGuid().ToString("N")[..6];
        var id = await StoreIncidentAsync(watch, Found(watch, "risk", CrisisRuleKind.RiskTerms, 5, 3, 5, null, "5 negative mentions with high-risk terms in the last 30 min (threshold 3)"));

        var page = await OpenAsync("pr");
        await page.GotoAsync($"/alerts/{id}");
        var figures = page.GetByTestId("why-figures");
        await Assertions.Expect(figures).ToContainTextAsync("measured in the window");
        await Assertions.Expect(figures).ToContainTextAsync("Threshold");
        // The count rule measures the count, the peak is the window, there is no baseline: none of them is repeated or shown empty.
        await Assertions.Expect(figures).Not.ToContainTextAsync("mention count");
        await Assertions.Expect(figures).Not.ToContainTextAsync("Peak");
        await Assertions.Expect(figures).Not.ToContainTextAsync("usual");
        await Assertions.Expect(figures.Locator(".kpi")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("canvas[data-testid=why-chart]")).ToHaveCountAsync(0);
        // One signal: its name is the page's heading already.
        await Assertions.Expect(page.GetByTestId("lead-signal")).ToHaveCountAsync(0);
        await ShotAsync(page, "count");
    }

    [Fact]
    public async Task ASpikeAgainstItsBaseline_IsDrawn_AndTheFiguresNameTheSignalTheyBelongTo_InBothLanguages()
    {
        var watch = "figures-spike-" + Guid.NewGuid().ToString("N")[..6];
        var id = await StoreIncidentAsync(
            watch,
            Found(watch, "spike", CrisisRuleKind.NegativeSpike, 3.2, 2, 12, 3.75, "12 negative mentions in the last 30 min, 3.2x the usual 3.75"),
            Found(watch, "risk", CrisisRuleKind.RiskTerms, 4, 3, 4, null, "4 negative mentions with high-risk terms in the last 30 min (threshold 3)"));

        var page = await OpenAsync("pr");
        await page.GotoAsync($"/alerts/{id}");
        var figures = page.GetByTestId("why-figures");
        await Assertions.Expect(figures).ToContainTextAsync("3.2");
        await Assertions.Expect(figures).ToContainTextAsync("3.75");
        await Assertions.Expect(figures).ToContainTextAsync("usual negatives per window");
        await Assertions.Expect(figures).ToContainTextAsync("mention count");
        await Assertions.Expect(figures.Locator(".kpi")).ToHaveCountAsync(4);
        await Assertions.Expect(new Pages.AlertPage(page).WhyChart).ToHaveCountAsync(1);
        // The chart draws counts only: the usual 3.75 negative mentions a window against this window's 12, not the 3.2× ratio.
        var drawn = await page.EvaluateAsync<double[]>("() => Chart.getChart(document.querySelector('canvas[data-testid=why-chart]')).data.datasets.map(d => d.data.reduce((a, b) => a + b, 0))");
        drawn.ShouldBe([3.75, 12]);
        var lead = page.GetByTestId("lead-signal");
        var leadText = await lead.TextContentAsync();
        leadText.ShouldNotBeNull();
        // The alert's figures are those of the signal it opened with: say which one, by the name the signal list uses.
        var signals = await page.GetByTestId("alert-signals").TextContentAsync();
        var named = leadText!.Replace("Figures of:", "", StringComparison.Ordinal).Trim();
        named.ShouldNotBeEmpty();
        signals.ShouldNotBeNull();
        signals!.ShouldContain(named);
        await ShotAsync(page, "spike-en");

        var zh = await OpenAsync("pr", locale: "zh-CN");
        await zh.GotoAsync($"/alerts/{id}");
        await Assertions.Expect(zh.GetByTestId("lead-signal")).ToContainTextAsync("以下数值来自：");
        await Assertions.Expect(zh.GetByTestId("why-figures")).ToContainTextAsync("平时每个窗口的负面数");
        await ShotAsync(zh, "spike-zh");
    }
}
