using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SentimentWatch.Indexing.Api;

namespace SentimentWatch.Tests.Api;

/// <summary>
/// The analyst's first searches on a fresh install: the real host replays the demo mentions
/// through the pipeline into the Lucene index, then <c>/api/mentions</c> is asked for 退款 and
/// for "refund". The expected set is computed from the stored texts themselves, read back
/// page by page without a query.
/// </summary>
public sealed partial class DemoDataSearchTests : IDisposable
{
    private readonly ServiceFactory factory = new() { ReplayDemo = true };

    [Fact]
    public async Task SearchingTheDemoDataForTuiKuanAndForRefundFindsExactlyTheMentionsThatSayIt()
    {
        var client = factory.ClientWithKey(ServiceFactory.AnalystKey);
        var demoLines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "samples", "demo-mentions.jsonl")).Count(line => line.Trim().Length > 0);
        var stored = await WaitForAllAsync(client, demoLines);

        static string Words(MentionView m) => m.Title + "\n" + m.Text;
        var sayTuiKuan = stored.Where(m => Words(m).Contains("退款", StringComparison.Ordinal)).Select(m => m.Id).ToHashSet();
        var sayRefund = stored.Where(m => RefundForms().IsMatch(Words(m))).Select(m => m.Id).ToHashSet();
        sayTuiKuan.Count.ShouldBeGreaterThan(10);
        sayRefund.Count.ShouldBeGreaterThan(10);

        var tuiKuan = await SearchAllAsync(client, "退款");
        tuiKuan.Select(h => h.Mention.Id).ShouldBe(sayTuiKuan, ignoreOrder: true);

        var refund = await SearchAllAsync(client, "refund");
        refund.Select(h => h.Mention.Id).ShouldBe(sayRefund, ignoreOrder: true);
        // Relevance order: a mention saying "refund" itself outranks one that only says "refunded".
        Regex.IsMatch(Words(refund[0].Mention), @"\brefund\b", RegexOptions.IgnoreCase).ShouldBeTrue();
        refund.ShouldAllBe(h => h.Snippet != null && h.Snippet.Contains("refund", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => factory.Dispose();

    // Every form the English stemmer folds into "refund" that occurs in ordinary text.
    [GeneratedRegex(@"\brefund(s|ed|ing|able)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex RefundForms();

    private static async Task<List<MentionView>> WaitForAllAsync(HttpClient client, int demoLines)
    {
        // The replay hands every demo line to the ledger in one batch; nothing pending means all indexed.
        await ServiceFactory.WaitForProcessedAsync(client, 1, TimeSpan.FromSeconds(60));
        var stored = (await SearchAllAsync(client, null)).Select(h => h.Mention).ToList();
        // Near-duplicates are indexed too (marked duplicateOf); only lines repeating an id collapse.
        stored.Count.ShouldBeGreaterThan(demoLines - 5);
        return stored;
    }

    private static async Task<List<MentionHitView>> SearchAllAsync(HttpClient client, string? q)
    {
        var hits = new List<MentionHitView>();
        string? cursor = null;
        do
        {
            var url = "/api/mentions?pageSize=200" + (q is null ? string.Empty : "&q=" + Uri.EscapeDataString(q)) + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await client.GetFromJsonAsync<MentionPage>(url);
            hits.AddRange(page!.Hits);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return hits;
    }
}
