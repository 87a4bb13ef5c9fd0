using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Watches;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Pages;

/// <summary>
/// The 态势 overview, for every role: per watch, mentions over time by sentiment, the negative
/// share against the period before, the topics of negative mentions, top sources and terms, and the open alerts. Reads
/// the same index and alert store the API does; refreshes itself through <see cref="OnGetFragmentAsync"/>.
/// </summary>
public sealed class IndexModel(
    IMentionIndex index,
    IWatchCatalog catalog,
    IServiceProvider services,
    IOptions<ConsoleOptions> options,
    TimeProvider clock,
    IStringLocalizer<ConsoleText> t) : PageModel
{
    public static readonly IReadOnlyList<(string Key, TimeSpan Span)> Ranges =
    [
        ("24h", TimeSpan.FromDays(1)), ("7d", TimeSpan.FromDays(7)), ("30d", TimeSpan.FromDays(30)), ("90d", TimeSpan.FromDays(90)),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Range { get; set; }

    public string RangeKey => Ranges.Any(r => r.Key == Range) ? Range! : "7d";

    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    public StatsInterval Interval { get; private set; }

    public IReadOnlyList<WatchOverview> Watches { get; private set; } = [];

    public IReadOnlyList<AlertView> OpenAlerts { get; private set; } = [];

    public bool HasAlerting { get; private set; }

    public int RefreshSeconds => (int)options.Value.RefreshInterval.TotalSeconds;

    public DateTimeOffset GeneratedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // A support agent's work is the case queue: the site's root sends them there (decision 235). The overview
        // stays theirs at /overview and with a range chosen, so only the bare landing address is redirected.
        if (Request.Path == "/" && !Request.QueryString.HasValue
            && await Cases.SupportLanding.QueueForAsync(User, services, cancellationToken) is { } queue)
        {
            return LocalRedirect(queue);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetFragmentAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_OverviewBody", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        GeneratedAt = clock.GetUtcNow();
        var span = Ranges.First(r => r.Key == RangeKey).Span;
        To = GeneratedAt;
        From = To - span;
        Interval = span <= TimeSpan.FromDays(1) ? StatsInterval.Hour : span <= TimeSpan.FromDays(7) ? StatsInterval.Hour : StatsInterval.Day;

        var alertsByWatch = new Dictionary<string, int>(StringComparer.Ordinal);
        if (services.GetService<IDbContextFactory<AlertingDbContext>>() is { } alertDbs)
        {
            HasAlerting = true;
            await using var db = await alertDbs.CreateDbContextAsync(cancellationToken);
            var open = await db.Alerts.AsNoTracking().Include(a => a.Signals).Where(a => a.Status != AlertStatus.Resolved).OrderByDescending(a => a.Id).Take(200).ToListAsync(cancellationToken);
            OpenAlerts = [.. open.Select(a => AlertView.From(a, services.GetRequiredService<WatchNames>())).OrderByDescending(a => a.Severity == "critical").ThenByDescending(a => a.LastFiredAt).Take(8)];
            foreach (var group in open.GroupBy(a => a.WatchId))
            {
                alertsByWatch[group.Key] = group.Count();
            }
        }

        var watches = new List<WatchOverview>();
        foreach (var watch in catalog.Watches.Where(w => w.Enabled))
        {
            watches.Add(await WatchAsync(watch, span, alertsByWatch.GetValueOrDefault(watch.Id), cancellationToken));
        }

        Watches = watches;
    }

    private async Task<WatchOverview> WatchAsync(Watch watch, TimeSpan span, int openAlerts, CancellationToken cancellationToken)
    {
        var filter = new MentionFilter { Watch = watch.Id, From = From, To = To };
        var now = await index.StatsAsync(new MentionStatsRequest { Filter = filter, Interval = Interval, GroupBy = MentionGroupBy.Sentiment, TopN = 6, UtcOffset = ReaderOffset.Of(Request), TimeZone = ReaderOffset.ZoneOf(Request) }, cancellationToken);
        var before = await index.StatsAsync(new MentionStatsRequest
        {
            Filter = filter with { From = From - span, To = From },
            Interval = StatsInterval.Week,
            GroupBy = MentionGroupBy.Sentiment,
            TopN = 1,
        }, cancellationToken);
        // Complaint topics are what negative mentions are about: praise of the product is not a product-quality complaint.
        var complaints = await index.StatsAsync(new MentionStatsRequest
        {
            Filter = filter with { Sentiment = SentimentLabel.Negative },
            Interval = StatsInterval.Week,
            TopN = 6,
        }, cancellationToken);
        var negatives = await index.SearchAsync(new MentionSearch
        {
            Filter = filter with { Sentiment = SentimentLabel.Negative },
            Sort = MentionSort.Newest,
            Size = 300,
            Highlight = false,
        }, cancellationToken);

        long Negative(MentionStats stats) => stats.Histogram.Sum(b => b.Groups.GetValueOrDefault("negative"));
        var share = now.Total == 0 ? 0 : (double)Negative(now) / now.Total;
        double? baseline = before.Total == 0 ? null : (double)Negative(before) / before.Total;
        var terms = TermCounter.Top(negatives.Hits.Select(h => $"{h.Mention.Title} {h.Mention.Text}"), [watch.Query, watch.Name], 12);
        return new WatchOverview(
            watch,
            now.Total,
            Negative(now),
            share,
            baseline,
            before.Total,
            new Shared.ChartView("watch-" + watch.Id, ChartSpec.SentimentHistogram(now.Histogram, Interval, s => t[s].Value), t["Mentions over time by sentiment for {0}", watch.Name], "overview-chart"),
            complaints.TopTopics,
            now.TopSources,
            terms,
            openAlerts);
    }
}

public sealed record WatchOverview(
    Watch Watch,
    long Total,
    long Negative,
    double NegativeShare,
    double? BaselineShare,
    long BaselineTotal,
    Shared.ChartView Chart,
    IReadOnlyList<TermCount> Topics,
    IReadOnlyList<TermCount> Sources,
    IReadOnlyList<TermCount> Terms,
    int OpenAlerts)
{
    /// <summary>Mentions the period before needs before its negative share is a baseline worth comparing with.</summary>
    public const long ComparableBaseline = 20;
}
