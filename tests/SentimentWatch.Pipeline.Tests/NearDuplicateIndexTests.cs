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
        index.Add(SimHash.Compute("今天天气很好，我们去公园散步，看到很多人在放风筝"), Now, 1);
        index.Add(fingerprint, Now, 2);
        index.Add(fingerprint, Now, 3);

        index.FindEarliest(repost, Now, 10).ShouldBe(2);
        index.FindEarliest(repost, Now, 3).ShouldBe(2, "only mentions that arrived before count");
        index.FindEarliest(fingerprint, Now, 2).ShouldBeNull("a mention is not its own duplicate");
    }

    [Fact]
    public void Ignores_mentions_published_before_the_window()
    {
        var index = Create();
        var fingerprint = SimHash.Compute(Original);
        index.Add(fingerprint, Now - TimeSpan.FromDays(8), 1);
        index.Add(fingerprint, Now - TimeSpan.FromDays(6), 2);

        index.FindEarliest(fingerprint, Now, 5).ShouldBe(2);
        index.FindEarliest(fingerprint, Now - TimeSpan.FromDays(2), 5).ShouldBe(1, "the window is counted from the mention's own publish time");
    }

    [Fact]
    public void Unrelated_texts_do_not_match()
    {
        var index = Create();
        index.Add(SimHash.Compute(Original), Now, 1);

        index.FindEarliest(SimHash.Compute("The new phone launch event was streamed online and the battery life numbers looked impressive"), Now, 2).ShouldBeNull();
    }

    [Fact]
    public void Growing_past_capacity_keeps_what_is_in_the_window_and_drops_what_is_not()
    {
        var index = Create(capacity: 4);
        var old = SimHash.Compute("星巴克新出的季节限定饮品味道一般，价格偏高，不过店员服务态度很好");
        index.Add(old, Now - TimeSpan.FromDays(30), 1);
        var texts = Enumerable.Range(0, 40).Select(i => $"绿莫咖啡第{i}号门店的拿铁 order {i * 7919} refund request number {i}").ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            index.Add(SimHash.Compute(texts[i]), Now, 100 + i);
        }

        index.Count.ShouldBe(40, "the old mention was dropped when the arrays grew, the recent ones kept");
        for (var i = 0; i < texts.Count; i++)
        {
            index.FindEarliest(SimHash.Compute(texts[i]), Now, 1_000).ShouldNotBeNull();
        }

        index.FindEarliest(old, Now - TimeSpan.FromDays(30), 1_000).ShouldBeNull();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
