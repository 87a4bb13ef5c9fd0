using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Tests;

public sealed class FeaturizerTests
{
    private static readonly TextFeaturizer Featurizer = new(new FeaturizerSettings(LexiconScale: 3f), SentimentLexicon.Shipped);

    private static (int[] Indices, float[] Values) F(string text) => Featurizer.FeaturizeToArrays(text);

    private static float Dense(string text, int slot)
    {
        var (indices, values) = F(text);
        var at = Array.IndexOf(indices, Featurizer.Settings.HashedSize + slot);
        return at < 0 ? 0 : values[at];
    }

    [Fact]
    public void Traditional_chinese_featurizes_as_simplified_only_when_the_settings_fold_it()
    {
        const string traditional = "客服態度太差了，退貨三週還沒退款，再也不買了[怒]";
        const string simplified = "客服态度太差了，退货三周还没退款，再也不买了[怒]";
        var folding = new TextFeaturizer(new FeaturizerSettings(RuleFeatures: true, ComplaintCues: true, WebLexicon: true, FoldTraditional: true), SentimentLexicon.ShippedWeb);

        var (foldedIndices, foldedValues) = folding.FeaturizeToArrays(traditional);
        var (indices, values) = folding.FeaturizeToArrays(simplified);
        foldedIndices.ShouldBe(indices);
        foldedValues.ShouldBe(values);
        F(traditional).Indices.ShouldNotBe(F(simplified).Indices);
    }

    [Fact]
    public void Different_urls_and_user_handles_featurize_identically()
    {
        F("@alice the app is broken https://t.co/abc").Indices.ShouldBe(F("@bob the app is broken http://example.com/x?y=1").Indices);
    }

    [Fact]
    public void Without_the_mention_feature_an_at_mention_adds_no_feature_but_still_ends_the_clause()
    {
        // Decision 206's experiment; every shipped model keeps the feature (the default).
        var without = new TextFeaturizer(new FeaturizerSettings(LexiconScale: 3f, MentionFeature: false), SentimentLexicon.Shipped);
        without.FeaturizeToArrays("@united the app is broken").Indices.ShouldBe(without.FeaturizeToArrays("the app is broken").Indices);
        F("@united the app is broken").Indices.Length.ShouldBe(F("the app is broken").Indices.Length + 1);
        // The mention still breaks a word bigram: "not @united good" is not the bigram "not good".
        without.FeaturizeToArrays("not @united good").Indices.ShouldNotBe(without.FeaturizeToArrays("not good").Indices);
    }

    [Fact]
    public void Jieba_words_are_features_beside_the_character_ngrams_only_when_the_settings_ask()
    {
        // Decision 208's experiment: 食物中毒 cut as a word adds its own hashed feature; English text is untouched.
        const string text = "喝了奶茶食物中毒了";
        var words = new TextFeaturizer(new FeaturizerSettings(LexiconScale: 3f, ChineseWords: true), SentimentLexicon.Shipped);
        var cut = JiebaWords.Cut(text).ToList();
        cut.ShouldContain("食物中毒");
        var withWords = words.FeaturizeToArrays(text).Indices;
        var without = F(text).Indices;
        without.ShouldBeSubsetOf(withWords);
        withWords.Length.ShouldBe(without.Length + cut.Count(w => w.Length >= 2));
        // A word in a negation scope is a feature of its own: 满意 in 不是很满意 is not 满意.
        JiebaWords.Cut("不是很满意").ShouldContain("满意");
        words.FeaturizeToArrays("不是很满意").Indices.Except(F("不是很满意").Indices).ShouldNotContain(words.FeaturizeToArrays("满意").Indices.Except(F("满意").Indices).Single());
        words.FeaturizeToArrays("the app is broken").Indices.ShouldBe(F("the app is broken").Indices);
    }

    [Theory]
    [InlineData("good", "not good")]
    [InlineData("满意", "不是很满意")]
    [InlineData("喜欢", "不喜欢")]
    public void Negation_turns_positive_lexicon_evidence_negative(string plain, string negated)
    {
        // Dense slot 2 is tanh(positive − negative lexicon evidence).
        Dense(plain, 2).ShouldBeGreaterThan(0);
        Dense(negated, 2).ShouldBeLessThan(0);
    }

    [Theory]
    [InlineData("great :)", "great :(")]
    [InlineData("ok 😍", "ok 😡")]
    public void Emoticons_and_emoji_carry_polarity(string happy, string sad) =>
        Dense(happy, 2).ShouldBeGreaterThan(Dense(sad, 2));

    [Fact]
    public void Repeated_punctuation_is_a_feature_of_its_own() =>
        F("why!!!").Indices.ShouldNotBe(F("why!").Indices);

    [Fact]
    public void Mixed_chinese_and_english_text_gets_features_from_both_scripts()
    {
        Dense("这个app太垃圾了 totally useless", 6).ShouldBeGreaterThan(0);
        Dense("这个app太垃圾了 totally useless", 7).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Features_are_sorted_unique_and_unit_length_over_the_hashed_part()
    {
        var (indices, values) = F("the battery died, the battery died again!!! 电池又坏了");
        indices.ShouldBe(indices.Distinct().Order().ToArray());
        var hashed = indices.Select((index, k) => (index, value: values[k])).Where(x => x.index < Featurizer.Settings.HashedSize).Sum(x => x.value * x.value);
        hashed.ShouldBe(1f, 1e-4f);
    }
}
