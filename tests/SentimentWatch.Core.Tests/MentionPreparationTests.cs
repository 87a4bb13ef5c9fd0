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
}
