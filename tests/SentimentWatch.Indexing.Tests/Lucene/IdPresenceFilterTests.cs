using System.Globalization;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

public sealed class IdPresenceFilterTests
{
    [Fact]
    public void EveryAddedIdIsReportedPresent()
    {
        var filter = new IdPresenceFilter(100_000);
        var ids = Enumerable.Range(0, 100_000).Select(i => "m" + i.ToString("x", CultureInfo.InvariantCulture)).ToList();

        ids.ForEach(filter.Add);

        ids.ShouldAllBe(id => filter.MightContain(id));
        filter.IsFull.ShouldBeTrue();
    }

    [Fact]
    public void AtCapacityFewerThanTwoPercentOfUnseenIdsAreReportedPresent()
    {
        // Fixed ids and a fixed hash: the same outcome every run. (Random GUIDs plus one
        // "never-added" probe failed about once in 120 runs: a Bloom filter may say "maybe".)
        var filter = new IdPresenceFilter(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            filter.Add(StableId("added", i));
        }

        var falsePositives = Enumerable.Range(0, 50_000).Count(i => filter.MightContain(StableId("unseen", i)));

        // Ten bits and seven hashes per id: about 0.8% by the textbook formula.
        (falsePositives / 50_000.0).ShouldBeLessThan(0.02);
        falsePositives.ShouldBeGreaterThan(0, "a full Bloom filter answers 'maybe' for some unseen ids; none would mean it is not hashing them");
    }

    /// <summary>Mention-id-like strings (32 hex digits), derived from a counter.</summary>
    private static string StableId(string kind, int i) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}-{i}")))[..32];
}
