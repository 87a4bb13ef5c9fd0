using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Tests;

public sealed class ThemeModelTests
{
    [Fact]
    public void Lda_themes_over_negative_mentions_surface_the_terms_that_recur()
    {
        var texts = Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? $"battery exploded while charging, battery fire number {i}"
            : $"快递丢了 快递员 不接电话 物流 {i}").ToList();
        var themes = ThemeModel.Fit(texts, themes: 2, topTerms: 5);
        themes.Count.ShouldBe(2);
        var terms = themes.SelectMany(t => t.Terms.Select(x => x.Term)).ToList();
        terms.ShouldContain("battery");
        terms.ShouldContain("快递");
    }

    [Fact]
    public void Tokens_are_english_words_and_chinese_character_bigrams() =>
        ThemeModel.Tokens("The Battery 电池坏了").ShouldBe(["battery", "电池", "池坏", "坏了"]);

    [Fact]
    public void Tokens_of_traditional_characters_are_the_simplified_ones_so_themes_merge_both_scripts() =>
        ThemeModel.Tokens("電池壞了").ShouldBe(ThemeModel.Tokens("电池坏了"));
}
