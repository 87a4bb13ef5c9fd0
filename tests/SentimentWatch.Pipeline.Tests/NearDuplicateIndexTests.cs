using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Pipeline.Tests;

public sealed class NearDuplicateIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private const string Original = "在绿莫咖啡买的拿铁喝出了异物，找客服申请退款三天了还没有任何回复，门店也不接电话，太失望了";

    private static NearDuplicateIndex Create(int capacity = 1 << 16) =>
        new(TimeSpan.FromDays(7), new FixedClock(Now), capacity);

    [Fact]
    public void Finds_the_earliest_earlier_arrival_within_the_distance()
    {
        var index = Create();
        var fingerprint = SimHash.Compute(Original);
        var repost = SimHash.Compute("转发：" + Original + " 😡");
        index.Add(SimHash.Compute("今天天气很好，我们去公园散步，看到很多人在放风筝"), Now, 1, Root(1));
        index.Add(fingerprint, Now, 2, Root(2));
        index.Add(fingerprint, Now, 3, Root(3));

        index.FindEarliest(repost, Now, 10).ShouldBe(new NearDuplicateMatch(2, Root(2)));
        index.FindEarliest(repost, Now, 3).ShouldBe(new NearDuplicateMatch(2, Root(2)), "only mentions that arrived before count");
        index.FindEarliest(fingerprint, Now, 2).ShouldBeNull("a mention is not its own duplicate");
    }

    [Fact]
    public void Ignores_mentions_published_before_the_window()
    {
        var index = Create();
        var fingerprint = SimHash.Compute(Original);
        index.Add(fingerprint, Now - TimeSpan.FromDays(8), 1, Root(1));
        index.Add(fingerprint, Now - TimeSpan.FromDays(6), 2, Root(2));

        index.FindEarliest(fingerprint, Now, 5).ShouldBe(new NearDuplicateMatch(2, Root(2)));
        index.FindEarliest(fingerprint, Now - TimeSpan.FromDays(2), 5).ShouldBe(new NearDuplicateMatch(1, Root(1)), "the window is counted from the mention's own publish time");
    }

    [Fact]
    public void Unrelated_texts_do_not_match()
    {
        var index = Create();
        index.Add(SimHash.Compute(Original), Now, 1, Root(1));

        index.FindEarliest(SimHash.Compute("The new phone launch event was streamed online and the battery life numbers looked impressive"), Now, 2).ShouldBeNull();
    }

    [Fact]
    public void Growing_past_capacity_keeps_what_is_in_the_window_and_drops_what_is_not()
    {
        var index = Create(capacity: 4);
        var old = SimHash.Compute("星巴克新出的季节限定饮品味道一般，价格偏高，不过店员服务态度很好");
        index.Add(old, Now - TimeSpan.FromDays(30), 1, Root(1));
        var texts = Enumerable.Range(0, 40).Select(i => $"绿莫咖啡第{i}号门店的拿铁 order {i * 7919} refund request number {i}").ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            index.Add(SimHash.Compute(texts[i]), Now, 100 + i, Root(100 + i));
        }

        index.Count.ShouldBe(40, "the old mention was dropped when the arrays grew, the recent ones kept");
        for (var i = 0; i < texts.Count; i++)
        {
            index.FindEarliest(SimHash.Compute(texts[i]), Now, 1_000).ShouldNotBeNull().Root.ShouldBe(Root(100 + i), "each kept its own root through the move");
        }

        index.FindEarliest(old, Now - TimeSpan.FromDays(30), 1_000).ShouldBeNull();
    }

    [Fact]
    public void Keeps_the_root_each_mention_counts_as_packed_or_as_text()
    {
        // Ids of MentionId's form are held as 80 bits; any other id (the tests' short ones, a caller's own) as text.
        var index = Create(capacity: 2);
        var fingerprint = SimHash.Compute(Original);
        var original = MentionId.For("weibo", "1001", null);
        index.Add(fingerprint, Now, 1, original);
        index.Add(fingerprint, Now, 2, original);
        index.Add(fingerprint, Now, 3, "not-a-scheme-id");

        index.FindEarliest(fingerprint, Now, 10).ShouldBe(new NearDuplicateMatch(1, original));
        var index2 = Create();
        index2.Add(fingerprint, Now - TimeSpan.FromDays(9), 1, original);
        index2.Add(fingerprint, Now, 2, original);
        index2.FindEarliest(fingerprint, Now, 10).ShouldBe(new NearDuplicateMatch(2, original), "past the window, a repost answers with the original it counts as");
        NearDuplicateIndex.TryPack(original, out var packed).ShouldBeTrue();
        NearDuplicateIndex.Unpack(packed).ShouldBe(original);
        NearDuplicateIndex.TryPack("0123456789ABCDEF0123", out _).ShouldBeFalse("upper case would not come back the same");
        NearDuplicateIndex.TryPack("0123456789abcdef012", out _).ShouldBeFalse();

        var other = Create();
        other.Add(fingerprint, Now, 7, "not-a-scheme-id");
        other.FindEarliest(fingerprint, Now, 8).ShouldBe(new NearDuplicateMatch(7, "not-a-scheme-id"));
    }

    [Fact]
    public void Roots_move_with_their_mentions_when_older_ones_are_dropped()
    {
        // Packed and text roots interleaved, sequences out of arrival order (a lapsed lease re-reads on PostgreSQL),
        // one sequence twice: after the move each kept mention still answers with its own root.
        var index = Create(capacity: 6);
        var texts = Enumerable.Range(0, 6).Select(i => $"绿莫咖啡第{i}号门店的拿铁 order {i * 7919} refund request number {i}").ToList();
        index.Add(SimHash.Compute(texts[0]), Now - TimeSpan.FromDays(30), 10, "old-text-root");
        index.Add(SimHash.Compute(texts[1]), Now - TimeSpan.FromDays(30), 11, Root(11));
        index.Add(SimHash.Compute(texts[2]), Now, 14, "text-root-14");
        index.Add(SimHash.Compute(texts[3]), Now, 12, Root(12));
        index.Add(SimHash.Compute(texts[4]), Now, 13, "text-root-13");
        index.Add(SimHash.Compute(texts[4]), Now, 13, "text-root-13");
        index.Add(SimHash.Compute(texts[5]), Now, 15, Root(15));

        index.Count.ShouldBe(5, "the two old ones were dropped, the second copy of 13 kept");
        index.TextRoots.ShouldBe(3, "the dropped mention's text root went with it");
        index.FindEarliest(SimHash.Compute(texts[0]), Now - TimeSpan.FromDays(30), 100).ShouldBeNull();
        index.FindEarliest(SimHash.Compute(texts[2]), Now, 100).ShouldBe(new NearDuplicateMatch(14, "text-root-14"));
        index.FindEarliest(SimHash.Compute(texts[3]), Now, 100).ShouldBe(new NearDuplicateMatch(12, Root(12)));
        index.FindEarliest(SimHash.Compute(texts[4]), Now, 100).ShouldBe(new NearDuplicateMatch(13, "text-root-13"));
        index.FindEarliest(SimHash.Compute(texts[5]), Now, 100).ShouldBe(new NearDuplicateMatch(15, Root(15)));
        index.FindEarliest(SimHash.Compute(texts[2]), Now, 13).ShouldBeNull("14 arrived after 13, whatever its place in the arrays");
    }

    [Fact]
    public void A_parked_mention_is_forgotten_with_every_copy_and_every_repost_that_counts_it_as_original()
    {
        var index = Create(capacity: 5);
        var fingerprint = SimHash.Compute(Original);
        var other = SimHash.Compute("今天天气很好，我们去公园散步，看到很多人在放风筝");
        index.Add(fingerprint, Now, 1, Root(1));
        index.Add(fingerprint, Now, 2, Root(1));
        index.Add(fingerprint, Now, 1, Root(1));
        index.Add(other, Now, 3, "parked-text-root");
        index.Add(other, Now, 4, "parked-text-root");
        index.Forget(1, Root(1));
        index.Forget(3, "parked-text-root");
        index.Forget(99, Root(99));

        index.FindEarliest(fingerprint, Now, 10).ShouldBeNull("1 was parked: its copies and its repost 2 are not found");
        index.FindEarliest(other, Now, 10).ShouldBeNull("3 was parked and 4 counted it as its original");
        index.Add(fingerprint, Now, 5, Root(5));
        index.FindEarliest(fingerprint, Now, 10).ShouldBe(new NearDuplicateMatch(5, Root(5)));
        index.Add(fingerprint, Now, 6, Root(5));
        index.Count.ShouldBe(2, "the move dropped the five forgotten entries");
        index.TextRoots.ShouldBe(0);
    }

    /// <summary>A root of MentionId's form, distinct per sequence.</summary>
    private static string Root(long sequence) => MentionId.For("test", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), null);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
