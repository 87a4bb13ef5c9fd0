using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class MentionPreparationTests
{
    private static Mention Raw(string text, string? title = null, string? author = null, string language = LanguageDetector.Undetermined) => new()
    {
        Id = MentionId.For("weibo", "1", null),
        Source = "weibo",
        Text = text,
        Title = title,
        Author = author,
        Language = language,
        PublishedAt = new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.FromHours(8)),
        CollectedAt = new DateTimeOffset(2026, 11, 20, 14, 5, 0, TimeSpan.FromHours(8)),
    };

    [Fact]
    public void Prepare_redacts_text_title_and_author_detects_the_language_and_fingerprints_the_redacted_text()
    {
        var prepared = MentionPreparation.Prepare(Raw("退款一直不到账，电话13812345678", title: "找zs@example.com", author: "13912345678"));

        prepared.Text.ShouldBe("退款一直不到账，电话[phone]");
        prepared.Title.ShouldBe("找[email]");
        prepared.Author.ShouldBe("[phone]");
        prepared.Language.ShouldBe(LanguageDetector.Chinese);
        prepared.Fingerprint.ShouldBe(SimHash.Compute("退款一直不到账，电话[phone]"));
    }

    [Fact]
    public void Prepare_keeps_a_language_the_channel_already_knew()
    {
        MentionPreparation.Prepare(Raw("退款一直不到账", language: LanguageDetector.English)).Language.ShouldBe(LanguageDetector.English);
    }

    [Fact]
    public void Preparing_twice_gives_the_same_mention()
    {
        var once = MentionPreparation.Prepare(Raw("lumo refund please, call 415-555-0132", title: "Refund"));

        MentionPreparation.Prepare(once).ShouldBe(once);
    }

    // Platforms number posts with long digit runs: X/Twitter status ids have 19 digits, Weibo's 16, Douyin's 19.
    // Taken for card numbers, every tweet's link pointed nowhere and every conversation shared the
    // thread "[card]", so cases joined strangers' complaints. Card numbers in the post itself are still redacted.
    [Theory]
    [InlineData("https://x.com/lumo_fan/status/1861234567890123456", "1861234567890123456", "1861234567890123455")]
    [InlineData("https://weibo.com/1234567890/4987654321098765", "4987654321098765", "4987654321098764")]
    [InlineData("https://www.douyin.com/video/7234567890123456789", "7234567890123456789", "7234567890123456788")]
    public void Post_ids_in_urls_and_identifiers_are_not_taken_for_card_numbers(string url, string externalId, string threadId)
    {
        var prepared = MentionPreparation.Prepare(Raw("my card 6222021234567890123 was charged twice") with { Url = url, ExternalId = externalId, ThreadId = threadId });

        prepared.Url.ShouldBe(url);
        prepared.ExternalId.ShouldBe(externalId);
        prepared.ThreadId.ShouldBe(threadId);
        prepared.Text.ShouldBe("my card [card] was charged twice");
    }

    [Fact]
    public void Contact_data_in_urls_and_identifiers_is_still_redacted()
    {
        var prepared = MentionPreparation.Prepare(Raw("refund") with
        {
            Url = "https://forum.example.com/u/13812345678/posts?card=6222021234567890123&mail=zs@example.com",
            ExternalId = "13912345678",
            ThreadId = "zs@example.com",
        });

        prepared.Url.ShouldNotBeNull();
        prepared.Url.ShouldNotContain("13812345678");
        prepared.Url.ShouldNotContain("6222021234567890123");
        prepared.Url.ShouldNotContain("zs@example.com");
        prepared.Url.ShouldStartWith("https://forum.example.com/u/");
        prepared.ExternalId.ShouldBe("[phone]");
        prepared.ThreadId.ShouldBe("[email]");
    }
}
