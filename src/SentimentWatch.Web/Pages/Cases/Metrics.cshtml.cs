using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Web.Infrastructure;
using SentimentWatch.Web.Pages.Shared;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>Case metrics over a period, grouped (CaseQueries.MetricsAsync, as GET /api/cases/metrics), with charts.</summary>
public sealed class MetricsModel(CaseQueries queries, TimeProvider clock, DisplayNames names, IStringLocalizer<ConsoleText> t) : PageModel
{
    public static readonly string[] GroupChoices = ["category", "team", "agent", "watch"];

    [BindProperty(SupportsGet = true)] public int Days { get; set; } = 30;
    [BindProperty(SupportsGet = true)] public string? GroupBy { get; set; }

    public string Group => GroupChoices.Contains(GroupBy) ? GroupBy! : "category";

    public CaseMetrics Metrics { get; private set; } = null!;

    public ChartView? VolumeChart { get; private set; }

    public ChartView? TimesChart { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Days = Math.Clamp(Days, 1, 365);
        var to = clock.GetUtcNow();
        Metrics = await queries.MetricsAsync(to.AddDays(-Days), to, Group, cancellationToken);
        if (Metrics.Groups.Count == 0)
        {
            return;
        }

        var labels = Metrics.Groups.Select(g => GroupName(g.Key)).ToArray();
        VolumeChart = new ChartView("volume", new ChartSpec
        {
            Labels = labels,
            Datasets =
            [
                new ChartSeries(t["Volume"], [.. Metrics.Groups.Select(g => (double)g.Volume)], "total"),
                new ChartSeries(t["Resolved"], [.. Metrics.Groups.Select(g => (double)g.Resolved)], "positive"),
                new ChartSeries(t["Backlog"], [.. Metrics.Groups.Select(g => (double)g.Backlog)], "neutral"),
                new ChartSeries(t["Breached now"], [.. Metrics.Groups.Select(g => (double)g.BreachedNow)], "negative"),
            ],
        }, t["Cases per group: volume, resolved, backlog and breached"], "metrics-chart");
        if (!Metrics.Groups.Any(g => g.MedianFirstResponseMinutes is not null || g.MedianResolutionMinutes is not null))
        {
            // Nothing answered or resolved yet: an empty 0–1 chart would read as "instant"; the page says so instead.
            return;
        }

        TimesChart = new ChartView("times", new ChartSpec
        {
            Labels = labels,
            Datasets =
            [
                new ChartSeries(t["Median first response (min)"], [.. Metrics.Groups.Select(g => Math.Round(g.MedianFirstResponseMinutes ?? 0, 1))], "threshold"),
                new ChartSeries(t["Median resolution (min)"], [.. Metrics.Groups.Select(g => Math.Round(g.MedianResolutionMinutes ?? 0, 1))], "total"),
            ],
        }, t["Median response and resolution times per group"], "times-chart");
    }

    public static string N(double? value, string format = "0.#") => value is { } v ? v.ToString(format, CultureInfo.CurrentCulture) : "–";

    /// <summary>A percentage, or "–" when there is nothing to divide by (never "–%").</summary>
    public static string Pct(double? percent) => percent is { } p ? N(p) + "%" : "–";

    /// <summary>A group's key as people read it: a category by its label, a team, an agent or a watch by its configured name.</summary>
    public string GroupName(string key) => Group switch
    {
        "category" => t.Topic(key),
        "team" => names.Team(key),
        "agent" => names.Person(key),
        "watch" => names.Watch(key),
        _ => key,
    };
}
