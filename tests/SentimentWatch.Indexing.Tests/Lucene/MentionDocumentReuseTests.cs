using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Lucene;
using Shouldly;
using Xunit;

namespace SentimentWatch.Indexing.Tests.Lucene;

/// <summary>
/// The writer reuses one set of fields per thread (decision 201): a document must carry exactly its
/// own mention's values, never one left over from the mention written before it on the same thread,
/// whether a batch is written on the caller's thread (small) or spread over cores (large).
/// </summary>
public sealed class MentionDocumentReuseTests : IDisposable
{
    private readonly TempFolder folder = new();

    [Theory]
    [InlineData(40)]
    [InlineData(1_500)]
    public async Task EveryDocumentCarriesOnlyItsOwnMentionsValues(int count)
    {
        var mentions = Enumerable.Range(0, count).Select(Mention).ToList();
        using var index = new LuceneMentionIndex(Path.Combine(folder.Path, "index"));
        await index.UpsertAsync(mentions, CancellationToken.None);

        foreach (var watch in new[] { "w0", "w1", "w2", "w3" })
        {
            (await TotalAsync(index, new MentionFilter { Watch = watch })).ShouldBe(mentions.Count(m => m.Watches.Contains(watch)), watch);
        }

        foreach (var author in new[] { "a0", "a1", "a2" })
        {
            (await TotalAsync(index, new MentionFilter { Author = author })).ShouldBe(mentions.Count(m => m.Author == author), author);
        }

        (await TotalAsync(index, new MentionFilter { Query = "thread:t4" })).ShouldBe(mentions.Count(m => m.ThreadId == "t4"));
        (await TotalAsync(index, new MentionFilter { Topic = ComplaintTopics.Logistics })).ShouldBe(mentions.Count(m => m.Topic?.Topic == ComplaintTopics.Logistics));
        (await TotalAsync(index, new MentionFilter { Unscored = true })).ShouldBe(mentions.Count(m => m.Sentiment is null));
        (await TotalAsync(index, new MentionFilter { MinReach = 500 })).ShouldBe(mentions.Count(m => m.Engagement.Total >= 500));
        (await TotalAsync(index, new MentionFilter { From = TestMentions.Epoch.AddHours(count / 2), To = TestMentions.Epoch.AddHours(count) }))
            .ShouldBe(mentions.Count(m => m.PublishedAt >= TestMentions.Epoch.AddHours(count / 2) && m.PublishedAt < TestMentions.Epoch.AddHours(count)));

        // Each stored mention and its text are its own.
        foreach (var i in new[] { 0, 1, count / 2, count - 1 })
        {
            var stored = await index.GetAsync(mentions[i].Id, CancellationToken.None);
            stored.ShouldNotBeNull().Text.ShouldBe(mentions[i].Text);
            stored.Watches.ShouldBe(mentions[i].Watches);
            (await TotalAsync(index, new MentionFilter { Query = $"uniqueword{i}" })).ShouldBe(1);
        }
    }

    private static Mention Mention(int i) => TestMentions.Create(
        $"m{i:D5}",
        $"uniqueword{i} the delivery was late",
        publishedAt: TestMentions.Epoch.AddHours(i),
        author: (i % 4) switch { 3 => null, var k => "a" + k },
        sentiment: i % 5 == 0 ? null : SentimentLabel.Negative,
        topic: i % 3 == 0 ? ComplaintTopics.Logistics : null,
        reach: i % 7 * 100,
        // 0 to 3 watches, so a document with fewer follows one with more on the same thread.
        watches: [.. Enumerable.Range(0, i % 4).Select(k => "w" + ((i + k) % 4))]) with
    {
        ThreadId = i % 2 == 0 ? "t" + i % 6 : null,
    };

    private static async Task<long> TotalAsync(IMentionIndex index, MentionFilter filter) =>
        (await index.SearchAsync(new MentionSearch { Filter = filter, Size = 0, Highlight = false }, CancellationToken.None)).Total;

    public void Dispose() => folder.Dispose();
}
