using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Indexing.Api;
using SentimentWatch.Web.Infrastructure;
using SentimentWatch.Web.Pages.Shared;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// Case metrics over a period, grouped (CaseQueries.MetricsAsync, as GET /api/cases/metrics), with charts. The period is the
/// last 7, 30 or 90 days, or the reader's own From and To days (decision 260: read in the reader's zone, To includes its
/// day), and the CSV export link covers the same period.
/// </summary>
public sealed class MetricsModel(CaseQueries queries, TimeProvider clock, DisplayNames names, IStringLocalizer<ConsoleText> t, IOptions<MentionDateOptions> dateOptions) : PageModel
{
    public static readonly string[] GroupChoices = ["category", "team", "agent", "watch"];

    public static readonly int[] DayChoices = [7, 30, 90];

    [BindProperty(SupportsGet = true)] public int Days { get; set; } = 30;
    [BindProperty(SupportsGet = true)] public string? GroupBy { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public string Group => GroupChoices.Contains(GroupBy) ? GroupBy! : "category";

    /// <summary>Whether the period shown is the reader's own (From / To, read without refusal) rather than the last N days.</summary>
    public bool Custom { get; private set; }

    /// <summary>Whether both ends are whole days (so the period line shows dates, not times).</summary>
    public bool WholeDays { get; private set; }

    /// <summary>The period shown: its first instant and its end (exclusive).</summary>
    public DateTimeOffset PeriodStart { get; private set; }

    public DateTimeOffset PeriodEnd { get; private set; }

    /// <summary>The From / To values refused, said like the search's (<see cref="ParameterText"/>).</summary>
    public IReadOnlyList<ParameterProblem> Problems { get; private set; } = [];

    /// <summary>/api/cases/export for the period shown, in the reader's offset (the file is named by the reader's days).</summary>
    public string ExportUrl { get; private set; } = "/api/cases/export";

    public CaseMetrics Metrics { get; private set; } = null!;

    public ChartView? VolumeChart { get; private set; }

    public ChartView? TimesChart { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // The list offers 7, 30 and 90 days; anything else would show one period and select another.
        Days = DayChoices.Contains(Days) ? Days : 30;

        // To the second: the export link below writes seconds, and both must cover the same cases.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        (PeriodStart, PeriodEnd) = (now.AddDays(-Days), now);
        var zone = ReaderOffset.DatesZone(Request) ?? TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(To))
        {
            var (start, end, wholeDays) = ReadPeriod(now, zone);
            if (Problems.Count == 0)
            {
                (PeriodStart, PeriodEnd, WholeDays, Custom) = (start, end, wholeDays, true);
            }
        }

        string Instant(DateTimeOffset at) => Uri.EscapeDataString(TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        ExportUrl = $"/api/cases/export?from={Instant(PeriodStart)}&to={Instant(PeriodEnd)}"
            + (ReaderOffset.ZoneOf(Request) is { } named ? "&timeZone=" + Uri.EscapeDataString(named.Id) : "");

        Metrics = await queries.MetricsAsync(PeriodStart, PeriodEnd, Group, cancellationToken);
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

    /// <summary>From / To in the reader's zone (decision 260), bounded as searches are; refusals go to <see cref="Problems"/>.</summary>
    private (DateTimeOffset From, DateTimeOffset To, bool WholeDays) ReadPeriod(DateTimeOffset now, TimeZoneInfo zone)
    {
        var problems = new List<ParameterProblem>();
        var window = dateOptions.Value;
        var wholeDays = true;
        DateTimeOffset? Read(string name, string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            switch (window.ReadQueryDate(text, zone, periodEnd: name == "to", now, out var value, out var isDate))
            {
                case QueryDateRead.Read:
                    wholeDays &= isDate;
                    return value;
                case QueryDateRead.OutsideWindow:
                    var earliest = window.EarliestPublishedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    var latest = window.QueryLatest(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    problems.Add(new ParameterProblem(name, ParameterCodes.OutsideSearchableRange, $"'{text}' is outside {earliest} to {latest}.", [text, earliest, latest]));
                    return null;
                default:
                    problems.Add(new ParameterProblem(name, ParameterCodes.NotADate, $"'{text}' is not a date or time.", [text]));
                    return null;
            }
        }

        var from = Read("from", From);
        var to = Read("to", To);

        // A missing end as the cases API reads it (QueryTime.Period), with the listed period's length.
        var (start, end) = QueryTime.Period(from, to, now, TimeSpan.FromDays(Days));
        if (problems.Count == 0 && start >= end)
        {
            problems.Add(new ParameterProblem("to", ParameterCodes.ToNotAfterFrom, "'to' must be after 'from'.", [To!, From!]));
        }

        Problems = problems;
        return (start, end, wholeDays && from is not null && to is not null);
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
