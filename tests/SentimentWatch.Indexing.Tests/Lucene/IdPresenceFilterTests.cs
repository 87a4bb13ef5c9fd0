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
        var filter = new IdPresenceFilter(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            filter.Add(Guid.NewGuid().ToString("N"));
        }

        var falsePositives = Enumerable.Range(0, 50_000).Count(_ => filter.MightContain(Guid.NewGuid().ToString("N")));

        // Ten bits and seven hashes per id: about 0.8% by the textbook formula.
        (falsePositives / 50_000.0).ShouldBeLessThan(0.02);
        filter.MightContain("never-added").ShouldBeFalse();
    }
}
