using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("绿莫咖啡的拿铁太难喝了，申请退款也没人理", LanguageDetector.Chinese)]
    [InlineData("我在Starbucks买的咖啡退款一直没到账", LanguageDetector.Chinese)]
    [InlineData("好", LanguageDetector.Chinese)]
    [InlineData("Lumo coffee charged me twice and nobody answers", LanguageDetector.English)]
    [InlineData("Terrible service at 绿莫 today, the barista was rude and the order took forty minutes", LanguageDetector.English)]
    [InlineData("绿莫的customer service太差了，refund一直没有到账，真的很失望", LanguageDetector.Mixed)]
    [InlineData("", LanguageDetector.Undetermined)]
    [InlineData("   ", LanguageDetector.Undetermined)]
    [InlineData(null, LanguageDetector.Undetermined)]
    [InlineData("12345 !!! 😡😡", LanguageDetector.Undetermined)]
    [InlineData("Привет мир", LanguageDetector.Undetermined)]
    public void Detect_tells_Chinese_English_and_mixed_text_apart_by_script(string? text, string expected)
    {
        LanguageDetector.Detect(text).ShouldBe(expected);
    }
}
