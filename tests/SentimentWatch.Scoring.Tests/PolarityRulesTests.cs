using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Tests;

/// <summary>The VADER-style rules over the shipped lexicon, one rule per test.</summary>
public sealed class PolarityRulesTests
{
    private static float En(string text) => PolarityRules.Shipped.Score(text).English;

    private static float Zh(string text) => PolarityRules.Shipped.Score(text).Chinese;

    [Fact]
    public void A_negator_within_three_words_flips_the_polarity_of_an_english_word()
    {
        En("the food was good").ShouldBeGreaterThan(0);
        En("the food was not good").ShouldBeLessThan(0);
        En("the food was never really good").ShouldBeLessThan(0);
    }

    [Fact]
    public void But_moves_the_weight_to_the_second_clause()
    {
        En("the food was great but the service was terrible").ShouldBeLessThan(0);
        En("the service was terrible but the food was great").ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Boosters_strengthen_and_dampeners_weaken()
    {
        En("the room was very good").ShouldBeGreaterThan(En("the room was good"));
        En("the room was slightly good").ShouldBeLessThan(En("the room was good"));
    }

    [Fact]
    public void An_all_caps_word_in_mixed_case_text_is_emphasis()
    {
        En("the food was GOOD").ShouldBeGreaterThan(En("the food was good"));
        En("The service was AWFUL").ShouldBeLessThan(En("The service was awful"));
    }

    [Fact]
    public void Exclamation_marks_amplify_up_to_four()
    {
        En("good!!!").ShouldBeGreaterThan(En("good"));
        En("good!!!!!!!!").ShouldBe(En("good!!!!"), 1e-6f);
    }

    [Theory]
    [InlineData("ok 😍", "ok 😡")]
    [InlineData("thanks :)", "thanks :(")]
    public void Emoji_and_emoticons_carry_polarity(string happy, string sad) =>
        En(happy).ShouldBeGreaterThan(En(sad));

    [Theory]
    [InlineData("couldn't be happier with the new plan")]
    [InlineData("can't complain, delivery was quick")]
    [InlineData("honestly no complaints")]
    public void Negated_idioms_read_as_praise_not_as_negation(string text) =>
        En(text).ShouldBeGreaterThan(0.2f);

    [Fact]
    public void Idioms_without_a_negator_keep_their_own_polarity() =>
        En("what a waste of money").ShouldBeLessThan(-0.2f);

    [Theory]
    [InlineData("喜欢", "不喜欢")]
    [InlineData("满意", "不是很满意")]
    [InlineData("推荐", "再也不推荐")]
    public void A_chinese_negator_flips_the_term_after_it(string plain, string negated)
    {
        Zh(plain).ShouldBeGreaterThan(0);
        Zh(negated).ShouldBeLessThan(0);
    }

    [Fact]
    public void A_negated_negative_chinese_term_reads_positive() =>
        Zh("这咖啡买了不后悔").ShouldBeGreaterThan(0);

    [Fact]
    public void Chinese_degree_adverbs_strengthen_the_term_after_them() =>
        Zh("非常喜欢").ShouldBeGreaterThan(Zh("喜欢"));

    [Theory]
    [InlineData("外观很喜欢，但是用起来很失望")]
    [InlineData("外观很喜欢，不过用起来很失望")]
    public void Chinese_contrast_words_move_the_weight_to_the_second_clause(string text)
    {
        Zh(text).ShouldBeLessThan(0);
        Zh("用起来很失望，但是外观很喜欢").ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("how do I change my delivery address in the app?", true)]
    [InlineData("@TelcoHelp what's the roaming rate for japan?", true)]
    [InlineData("有优惠码吗", true)]
    [InlineData("能寄到香港吗？", true)]
    [InlineData("why is your app so terrible??", false)]
    [InlineData("the app is terrible", false)]
    [InlineData("新款有蓝色和灰色两种", false)]
    public void A_question_without_lexicon_evidence_is_a_plain_question(string text, bool plain) =>
        PolarityRules.Shipped.Score(text).PlainQuestion.ShouldBe(plain);

    [Fact]
    public void Text_without_any_lexicon_term_scores_zero()
    {
        var score = PolarityRules.Shipped.Score("the new model launches in march 新款三月上市");
        score.English.ShouldBe(0);
        score.Chinese.ShouldBe(0);
    }
}
