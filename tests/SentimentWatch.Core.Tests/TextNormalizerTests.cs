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

    /// <summary>
    /// Decision 229 made <see cref="TextNormalizer.Normalize"/> return the folded text itself when it has nothing to collapse and
    /// build the rest without a StringBuilder; mention ids and fingerprints depend on its output, so it must equal the
    /// implementation before it on every kind of white space and control character, wherever they fall.
    /// </summary>
    [Fact]
    public void Normalize_gives_what_the_StringBuilder_version_gave_for_random_mixes_of_space_control_and_text()
    {
        string[] pieces = [" ", "  ", "\t", "\n", "\r\n", "\u0000", "\u007F", "\u0085", "\u00A0", "\u2003", "\u3000", "\u200B", "a", "Ab", "退款", "ＬＵＭＯ", "É", "e\u0301", "!", "，", "😀"];
        var random = new Random(229);
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            TextNormalizer.Normalize(text).ShouldBe(Before(text), $"\"{text}\"");
        }

        var long_ = string.Concat(Enumerable.Repeat("退款  refund\t", 400));
        TextNormalizer.Normalize(long_).ShouldBe(Before(long_));
        var collapsed = "lumo coffee 退款";
        ReferenceEquals(TextNormalizer.Normalize(collapsed), collapsed).ShouldBeTrue("a text with nothing to change is not copied");

        static string Before(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            // ICU for all of it: the fast path equals ICU where it applies (the test above).
            var folded = text.Normalize(System.Text.NormalizationForm.FormKC).ToLowerInvariant();
            var sb = new System.Text.StringBuilder(folded.Length);
            var lastWasSpace = true;
            foreach (var c in folded)
            {
                if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Control)
                {
                    if (!lastWasSpace)
                    {
                        sb.Append(' ');
                    }

                    lastWasSpace = true;
                }
                else
                {
                    sb.Append(c);
                    lastWasSpace = false;
                }
            }

            return sb.ToString().TrimEnd();
        }
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
