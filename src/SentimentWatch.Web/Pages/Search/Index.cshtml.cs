using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Watches;
using SentimentWatch.Indexing;
using SentimentWatch.Indexing.Api;
using SentimentWatch.Web.Infrastructure;
using SentimentWatch.Web.Pages.Shared;

namespace SentimentWatch.Web.Pages.Search;

/// <summary>
/// Discover-style search for analysts: the watch query language in a box, the API's filters
/// (read by the API's own parameter reader, so a URL means the same here and in /api/mentions),
/// the histogram of the current query above the hits, highlighted hits, CSV export through the API.
/// </summary>
public sealed class IndexModel(IMentionIndex index, IWatchCatalog catalog, TimeProvider clock, IStringLocalizer<ConsoleText> t, Microsoft.Extensions.Options.IOptions<Core.Mentions.MentionDateOptions> dateOptions) : PageModel
{
    public static readonly string[] FilterNames = ["q", "from", "to", "watch", "source", "sentiment", "topic", "author", "minReach", "language"];

    public IReadOnlyList<Watch> Watches => catalog.Watches;

    /// <summary>The filters the API's parameter reader refused, each with its code (said in the reader's language by <see cref="ParameterText"/>).</summary>
    public IReadOnlyList<ParameterProblem> Problems { get; private set; } = [];

    public MentionSearchResult? Result { get; private set; }

    public ChartView? Histogram { get; private set; }

    public MentionSort Sort { get; private set; }

    public string ExportUrl { get; private set; } = "/api/mentions/export";

    public string? NextPageUrl { get; private set; }

    /// <summary>The first page of this search when a later page is shown, else null.</summary>
    public string? FirstPageUrl { get; private set; }

    /// <summary>How many hits the pages before this one showed (<c>shown</c>, carried by the next-page link), so a page says "21–40 of 90".</summary>
    public int ShownBefore { get; private set; }

    /// <summary>Appended to a hit's link so the mention page leads back to this search, page and all (<c>?search=…</c>).</summary>
    public string DetailSuffix => Request.QueryString.HasValue ? "?search=" + Uri.EscapeDataString(Request.QueryString.Value!.TrimStart('?')) : "";

    public string Value(string name) => Request.Query[name].ToString();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Typed dates are the reader's days (decision 260), and the export link below says so to the API.
        var parameters = new MentionQueryParameters(Request.Query, clock.GetUtcNow(), dateOptions.Value, ReaderOffset.DatesZone(Request));
        var filter = parameters.Filter();
        Sort = Request.Query.ContainsKey("sort") || filter.Query is not null ? parameters.Sort() : MentionSort.Newest;
        var pageSize = parameters.Integer("pageSize", MentionQueryParameters.DefaultPageSize, 1, MentionQueryParameters.MaxPageSize);
        var cursor = parameters.Text("cursor");
        ShownBefore = cursor is null ? 0 : parameters.Integer("shown", 0, 0, int.MaxValue);
        if (parameters.Problems.Count > 0)
        {
            Problems = parameters.Problems;
            return;
        }

        try
        {
            Result = await index.SearchAsync(new MentionSearch { Filter = filter, Sort = Sort, Size = pageSize, After = cursor }, cancellationToken);
        }
        catch (InvalidCursorException ex)
        {
            parameters.Fail(ex);
            Problems = parameters.Problems;
            return;
        }
        catch (InvalidSearchQueryException ex)
        {
            parameters.Fail(ex);
            Problems = parameters.Problems;
            return;
        }

        // Only what the search read: the API refuses a parameter it does not take (a shared link's utm_source, a misspelling
        // the page ignored), and the export must hold the hits on the page.
        var query = QueryWithout(key => !parameters.WasRead(key), "cursor", "sort", "pageSize", "handler", "shown");
        ExportUrl = "/api/mentions/export" + (ReaderOffset.DatesParameter(Request) is { } zone ? query.Add(zone.Name, zone.Value) : query);
        if (cursor is not null)
        {
            FirstPageUrl = "/search" + QueryWithout("cursor", "shown");
        }

        if (Result.NextCursor is { } next)
        {
            NextPageUrl = "/search" + QueryWith(("shown", (ShownBefore + Result.Hits.Count).ToString(CultureInfo.InvariantCulture)), ("cursor", next));
        }

        if (Result.Total == 0)
        {
            // Nothing to chart: an empty axis over 90 days says nothing the "nothing matches" line does not.
            return;
        }

        // The histogram covers the asked range, or the last 90 days when none is given.
        var to = filter.To ?? clock.GetUtcNow();
        var from = filter.From ?? to.AddDays(-90);
        var interval = ChartSpec.IntervalFor(to - from);
        // Bars are cut in the zone the dates were read in: the query's own when it names one, else the reader's.
        var stats = await index.StatsAsync(new MentionStatsRequest
        {
            Filter = filter with { From = from, To = to },
            Interval = interval,
            GroupBy = MentionGroupBy.Sentiment,
            TopN = 1,
            UtcOffset = parameters.NamesZone ? parameters.UtcOffset() : ReaderOffset.Of(Request),
            TimeZone = parameters.NamesZone ? parameters.TimeZone() : ReaderOffset.ZoneOf(Request),
        }, cancellationToken);
        var buckets = TrimEmptyEdges(stats.Histogram, filter.From is null);
        Histogram = new ChartView(
            "histogram",
            ChartSpec.SentimentHistogram(buckets, interval, s => t[s].Value, zoom: true),
            t["Matching mentions over time by sentiment; click a bar to zoom into it"],
            "histogram");
    }

    /// <summary>Without a start, leading empty buckets only push the data into a corner.</summary>
    private static IReadOnlyList<StatsBucket> TrimEmptyEdges(IReadOnlyList<StatsBucket> buckets, bool trimStart)
    {
        if (!trimStart)
        {
            return buckets;
        }

        var first = buckets.ToList().FindIndex(b => b.Count > 0);
        return first <= 0 ? buckets : [.. buckets.Skip(first)];
    }

    private QueryString QueryWithout(params string[] names) => QueryWithout(_ => false, names);

    private QueryString QueryWithout(Func<string, bool> drop, params string[] names)
    {
        var builder = new QueryBuilder();
        foreach (var (key, values) in Request.Query)
        {
            if (!names.Contains(key, StringComparer.OrdinalIgnoreCase) && !drop(key) && !string.IsNullOrWhiteSpace(values.ToString()))
            {
                builder.Add(key, values.ToString());
            }
        }

        return builder.ToQueryString();
    }

    private QueryString QueryWith(params (string Name, string Value)[] set)
    {
        var builder = new QueryBuilder();
        foreach (var (key, values) in Request.Query)
        {
            if (!set.Any(s => key.Equals(s.Name, StringComparison.OrdinalIgnoreCase)) && !string.IsNullOrWhiteSpace(values.ToString()))
            {
                builder.Add(key, values.ToString());
            }
        }

        foreach (var (name, value) in set)
        {
            builder.Add(name, value);
        }

        return builder.ToQueryString();
    }

    public static string Sentiment(SentimentLabel? label) => label is { } l ? SentimentScore.ToWire(l) : "unscored";
}
