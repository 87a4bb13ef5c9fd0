using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class SimHashTests
{
    private const string Original = "在绿莫咖啡买的拿铁喝出了异物，找客服申请退款三天了还没有任何回复，门店也不接电话，太失望了，大家千万别再去了";

    [Fact]
    public void A_repost_with_a_forwarding_prefix_is_a_near_duplicate()
    {
        var distance = SimHash.Distance(SimHash.Compute(Original), SimHash.Compute("转发：" + Original));

        distance.ShouldBeLessThanOrEqualTo(SimHash.NearDuplicateDistance);
    }

    [Fact]
    public void A_repost_with_an_emoji_and_full_width_punctuation_is_a_near_duplicate()
    {
        var repost = Original.Replace("，", ",", StringComparison.Ordinal) + " 😡";

        SimHash.Distance(SimHash.Compute(Original), SimHash.Compute(repost)).ShouldBeLessThanOrEqualTo(SimHash.NearDuplicateDistance);
    }

    [Fact]
    public void An_English_repost_with_RT_and_different_case_is_a_near_duplicate()
    {
        const string text = "Lumo coffee charged me twice for one latte and customer service has ignored my refund request for a whole week now";

        SimHash.Distance(SimHash.Compute(text), SimHash.Compute("RT: " + text.ToUpperInvariant())).ShouldBeLessThanOrEqualTo(SimHash.NearDuplicateDistance);
    }

    [Theory]
    [InlineData("今天天气很好，我们去公园散步，看到很多人在放风筝，孩子们玩得特别开心，晚上一起吃了火锅")]
    [InlineData("星巴克新出的季节限定饮品味道一般，价格偏高，不过店员服务态度很好，环境也不错")]
    [InlineData("The new phone launch event was streamed online and the battery life numbers looked impressive")]
    public void Unrelated_texts_are_far_apart(string other)
    {
        SimHash.Distance(SimHash.Compute(Original), SimHash.Compute(other)).ShouldBeGreaterThan(10);
    }

    [Theory]
    [InlineData("转发：", "转发:")]
    [InlineData("RT: ", "rt:")]
    [InlineData("Fwd:Fw: ", "")]
    [InlineData("RT @lumo_fan: ", "rt@lumo_fan:")]
    [InlineData("RT: @lumo_fan: RT @a: ", "转发@绿莫粉丝：")]
    public void Leading_repost_markers_do_not_change_the_fingerprint(string marker, string alsoMarker)
    {
        SimHash.Compute(marker + Original).ShouldBe(SimHash.Compute(Original));
        SimHash.Compute(alsoMarker + Original).ShouldBe(SimHash.Compute(Original));
    }

    [Fact]
    public void A_retweet_of_a_real_tweet_is_a_near_duplicate_of_it()
    {
        // SemEval 2013-2017 task 4A (../shared/data/sentiment-en-tweets, research use): 331 tweets start "RT @user:" and 14 of
        // them retweet a tweet that is itself in the corpus, word for word; this is one of those pairs as it stands there.
        const string tweet = "Gavin Henson looks set to miss the Rugby World Cup after dislocating a bone in his right wrist yesterday";

        SimHash.Compute("RT @TelegraphSport: " + tweet).ShouldBe(SimHash.Compute(tweet));
    }

    [Fact]
    public void A_weibo_repost_without_a_comment_is_a_near_duplicate_of_what_it_reposts()
    {
        // SMP2020-EWECT (../shared/data/sentiment-zh-weibo, research use): 2,680 of 48,374 posts start with "//@user:", a repost
        // with no comment of its own; this pair (a repost of a repost, and the repost it reposts) stands there as quoted.
        const string repost = "//@大橘猫精://@北国佳人李春姬:我想这个比朗诵好哭多了";
        const string reposted = "//@北国佳人李春姬:我想这个比朗诵好哭多了";

        SimHash.Compute(repost).ShouldBe(SimHash.Compute(reposted));
        SimHash.Compute(repost).ShouldBe(SimHash.Compute("我想这个比朗诵好哭多了"));
    }

    [Theory]
    [InlineData("回复@绿莫客服:退款到现在还没到账，订单号发你私信了，请尽快处理")]
    [InlineData("退款到现在还没到账//@绿莫客服:请私信订单号，我们尽快处理")]
    [InlineData("转发@绿莫客服，大家评评理：退款到现在还没到账，订单号发你私信了")]
    public void A_reply_or_a_repost_with_its_own_comment_keeps_its_text(string text)
    {
        // The text a marker pattern that ran to the first colon would have left.
        var colon = text.IndexOfAny([':', '：'], text.IndexOf('@', StringComparison.Ordinal));
        colon.ShouldBeGreaterThan(0);
        SimHash.Compute(text).ShouldNotBe(SimHash.Compute(text[(colon + 1)..]));
    }

    [Theory]
    [InlineData("RT is down again, the trains have stopped at every station since the morning rush hour")]
    [InlineData("rt @ the office today, everyone is working from the kitchen because the heating broke")]
    public void Rt_as_a_word_or_an_address_without_a_colon_is_text(string text)
    {
        SimHash.Compute(text).ShouldNotBe(SimHash.Compute(text[3..]));
    }

    [Fact]
    public void A_leading_转_without_a_colon_is_text_not_a_repost_marker()
    {
        const string text = "转账失败了三次，钱被扣了但是订单显示未支付，客服一直让我等";

        SimHash.Compute(text).ShouldNotBe(SimHash.Compute(text[1..]));
    }

    [Fact]
    public void The_fingerprint_is_deterministic_and_ignores_case_and_width()
    {
        SimHash.Compute(Original).ShouldBe(SimHash.Compute(Original));
        SimHash.Compute("Lumo Refund Delay Again Today").ShouldBe(SimHash.Compute("ｌｕｍｏ refund   delay again today"));
    }

    [Fact]
    public void Text_without_letters_or_ideographs_has_the_zero_fingerprint()
    {
        SimHash.Compute(string.Empty).ShouldBe(0UL);
        SimHash.Compute("！！！ ... ???").ShouldBe(0UL);
    }

    [Fact]
    public void Distance_counts_differing_bits()
    {
        SimHash.Distance(0b1011UL, 0b0001UL).ShouldBe(2);
        SimHash.Distance(ulong.MaxValue, 0UL).ShouldBe(64);
        SimHash.Distance(42UL, 42UL).ShouldBe(0);
    }
}
