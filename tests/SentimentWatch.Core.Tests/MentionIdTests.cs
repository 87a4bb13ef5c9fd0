using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class MentionIdTests
{
    [Fact]
    public void The_same_source_and_external_id_always_give_the_same_id()
    {
        var first = MentionId.For("weibo", "4987654321", "https://weibo.com/1/abc");
        var second = MentionId.For("weibo", "4987654321", "https://weibo.com/1/other-url");

        second.ShouldBe(first);
        first.Length.ShouldBe(20);
        first.ShouldAllBe(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
    }

    [Fact]
    public void The_id_is_a_fixed_value_so_it_survives_restarts_and_new_builds()
    {
        // Pinned: changing the id scheme would duplicate every stored mention on re-crawl.
        MentionId.For("weibo", "4987654321", null).ShouldBe(MentionId.For(" WEIBO ", " 4987654321 ", null));
        MentionId.For("weibo", "4987654321", null).ShouldBe(Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData("weibo\nx|4987654321"u8.ToArray()), 0, 10));
    }

    [Fact]
    public void The_same_external_id_from_different_sources_gives_different_ids()
    {
        MentionId.For("weibo", "123", null).ShouldNotBe(MentionId.For("tieba", "123", null));
        MentionId.For("weibo", "123", null).ShouldNotBe(MentionId.For("weibo", "124", null));
    }

    [Fact]
    public void Without_an_external_id_the_canonical_url_decides()
    {
        var plain = MentionId.For("forum", null, "https://bbs.example.com/thread/42?page=2");
        var tracked = MentionId.For("forum", null, "https://BBS.Example.COM:443/thread/42/?utm_source=wx&page=2&spm=a.b.c#reply-7");

        tracked.ShouldBe(plain);
        MentionId.For("forum", null, "https://bbs.example.com/thread/43?page=2").ShouldNotBe(plain);
    }

    [Fact]
    public void Without_an_external_id_or_url_the_normalised_text_decides()
    {
        MentionId.For("feedback-form", null, null, "退款  太慢了").ShouldBe(MentionId.For("feedback-form", null, null, "退款 太慢了"));
        MentionId.For("feedback-form", null, null, "退款太慢").ShouldNotBe(MentionId.For("feedback-form", null, null, "退款太快"));
    }

    [Fact]
    public void Nothing_to_derive_an_id_from_is_an_error()
    {
        Should.Throw<ArgumentException>(() => MentionId.For("forum", " ", null, null));
        Should.Throw<ArgumentException>(() => MentionId.For(" ", "1", null));
    }

    [Theory]
    [InlineData("https://Shop.Example.com/item/9?utm_source=weibo&utm_medium=social", "https://shop.example.com/item/9")]
    [InlineData("https://shop.example.com/item/9#comments", "https://shop.example.com/item/9")]
    [InlineData("https://shop.example.com/item/9/", "https://shop.example.com/item/9")]
    [InlineData("https://shop.example.com:443/item/9", "https://shop.example.com/item/9")]
    [InlineData("http://shop.example.com:80/item/9", "http://shop.example.com/item/9")]
    [InlineData("http://shop.example.com:8080/item/9", "http://shop.example.com:8080/item/9")]
    [InlineData("https://shop.example.com/item/9?b=2&a=1", "https://shop.example.com/item/9?a=1&b=2")]
    [InlineData("https://shop.example.com/item/9?id=5&spm=a1z.2&fbclid=x&gclid=y&share_token=z", "https://shop.example.com/item/9?id=5")]
    [InlineData("https://shop.example.com/", "https://shop.example.com/")]
    public void CanonicalUrl_drops_tracking_parameters_fragments_default_ports_and_host_case(string url, string expected)
    {
        CanonicalUrl.Normalize(url).ShouldBe(expected);
    }

    [Fact]
    public void CanonicalUrl_keeps_the_case_of_the_path_since_paths_are_case_sensitive()
    {
        CanonicalUrl.Normalize("https://weibo.com/u/AbCdEf").ShouldBe("https://weibo.com/u/AbCdEf");
        MentionId.For("weibo", null, "https://weibo.com/u/AbCdEf").ShouldNotBe(MentionId.For("weibo", null, "https://weibo.com/u/abcdef"));
    }

    [Fact]
    public void CanonicalUrl_keeps_a_parameter_that_only_begins_like_a_tracking_prefix()
    {
        // refund_id, fromDate and references are real parameters, not tracking ones.
        CanonicalUrl.Normalize("https://shop.example.com/orders?refund_id=7&ref=home").ShouldBe("https://shop.example.com/orders?refund_id=7");
        CanonicalUrl.Normalize("https://shop.example.com/orders?fromDate=2026-11-01&from=timeline").ShouldBe("https://shop.example.com/orders?fromDate=2026-11-01");
    }

    [Fact]
    public void CanonicalUrl_leaves_text_that_is_not_an_absolute_url_trimmed_but_otherwise_alone()
    {
        CanonicalUrl.Normalize("  /thread/42?utm_source=x ").ShouldBe("/thread/42?utm_source=x");
    }
}
