using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("ＬＵＭＯ　ＣＯＦＦＥＥ１２３", "lumo coffee123")]
    [InlineData("  Hello \t\n  World  ", "hello world")]
    [InlineData("退款！（急）", "退款!(急)")]
    [InlineData("line1\u0000line2", "line1 line2")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void Normalize_folds_width_and_case_and_collapses_white_space(string text, string expected)
    {
        TextNormalizer.Normalize(text).ShouldBe(expected);
    }

    [Fact]
    public void Normalize_is_idempotent()
    {
        var once = TextNormalizer.Normalize("  ＬＵＭＯ　退款  Refund ");

        TextNormalizer.Normalize(once).ShouldBe(once);
    }

    [Theory]
    [InlineData('绿', true)]
    [InlineData('㐀', true)]
    [InlineData('の', true)]
    [InlineData('カ', true)]
    [InlineData('한', true)]
    [InlineData('a', false)]
    [InlineData('1', false)]
    [InlineData('，', false)]
    public void IsCjk_is_true_for_ideographs_kana_and_hangul(char c, bool expected)
    {
        TextNormalizer.IsCjk(c).ShouldBe(expected);
    }
}
