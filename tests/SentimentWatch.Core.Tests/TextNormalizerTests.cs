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
    public void Normalize_gives_what_ICU_gives_for_every_character_its_fast_path_takes()
    {
        // The fast path (ASCII, CJK ideographs, stable CJK punctuation, full-width forms) must equal
        // ICU's NFKC and lower case, or mention ids and fingerprints would move. A trailing "É" (outside
        // the fast path, NFKC-stable, composes with nothing before a space) sends the same text through ICU.
        var characters = Enumerable.Range(0x0001, 0x7F).Concat(Enumerable.Range(0x4E00, 0x9FFF - 0x4E00 + 1))
            .Concat([0x3000, 0x3001, 0x3002, 0x2018, 0x2019, 0x201C, 0x201D]).Concat(Enumerable.Range(0x3008, 0x3011 - 0x3008 + 1))
            .Concat(Enumerable.Range(0xFF01, 0xFF5E - 0xFF01 + 1));
        foreach (var c in characters.Select(c => (char)c))
        {
            var text = $"A{c}退貨 e{c}\u3000Ｚ";
            (TextNormalizer.Normalize(text) + " é").ShouldBe(TextNormalizer.Normalize(text + " É"), $"U+{(int)c:X4}");
        }

        // A combining mark is outside the fast path: ICU composes it with the letter before.
        TextNormalizer.Normalize("Cafe\u0301 ＯＫ").ShouldBe("café ok");
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
