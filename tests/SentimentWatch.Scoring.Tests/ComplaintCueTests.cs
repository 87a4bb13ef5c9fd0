using SentimentWatch.Core.Mentions;
using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Tests;

public sealed class ComplaintCueTests
{
    private static readonly FeaturizerSettings WithCues = new(SkipFoldedLetters: true, RuleFeatures: true, ComplaintCues: true, WebLexicon: true);

    private static readonly TextFeaturizer Featurizer = new(WithCues, SentimentLexicon.For(WithCues));

    private static ComplaintCueScore Cues(string text) => ComplaintCues.Shipped.Score(TextNormalizer.Normalize(text));

    private static float Dense(TextFeaturizer featurizer, string text, int slot)
    {
        var (indices, values) = featurizer.FeaturizeToArrays(text);
        var at = Array.IndexOf(indices, featurizer.Settings.HashedSize + slot);
        return at < 0 ? 0 : values[at];
    }

    [Theory]
    [InlineData("flight delayed 3 hours")]
    [InlineData("I have been on hold for an hour")]
    [InlineData("they charged me twice, charged twice!")]
    [InlineData("my parcel never arrived")]
    [InlineData("Where's my refund")]
    [InlineData("still waiting for a callback")]
    [InlineData("the app stopped working after the update")]
    [InlineData("I didn't receive the order")]
    public void English_complaint_events_without_sentiment_words_fire_the_english_cue(string text)
    {
        var score = Cues(text);
        score.English.ShouldBeGreaterThan(0);
        score.Chinese.ShouldBe(0);
    }

    [Theory]
    [InlineData("外卖等了两个小时还没到")]
    [InlineData("客服电话一直打不通")]
    [InlineData("航班延误了")]
    [InlineData("话费被多扣了")]
    [InlineData("催了三次没人理")]
    [InlineData("退款到现在还没退")]
    [InlineData("用了一周就坏了")]
    public void Chinese_complaint_events_fire_the_chinese_cue(string text)
    {
        var score = Cues(text);
        score.Chinese.ShouldBeGreaterThan(0);
        score.English.ShouldBe(0);
    }

    [Theory]
    [InlineData("not delayed at all", "delayed again")]
    [InlineData("there was no delay", "another delay")]
    [InlineData("没有延误", "又延误了")]
    [InlineData("一点也没坏了", "又坏了")]
    public void A_negated_cue_counts_as_negated_not_as_a_complaint(string negated, string plain)
    {
        var no = Cues(negated);
        no.Strength.ShouldBe(0);
        no.Negated.ShouldBeGreaterThan(0);
        var yes = Cues(plain);
        yes.Strength.ShouldBeGreaterThan(0);
        yes.Negated.ShouldBe(0);
    }

    [Theory]
    [InlineData("it never arrived")]
    [InlineData("no reply from support")]
    [InlineData("一直没收到")]
    [InlineData("客服不回复")]
    public void Cues_that_start_with_a_negator_are_complaints(string text)
    {
        var score = Cues(text);
        score.Strength.ShouldBeGreaterThan(0);
        score.Negated.ShouldBe(0);
    }

    [Fact]
    public void Praise_and_plain_questions_fire_no_cue()
    {
        Cues("love the new update, great job").Cues.ShouldBe(0);
        Cues("what time do you open tomorrow?").Cues.ShouldBe(0);
        Cues("味道很好，下次还来").Cues.ShouldBe(0);
    }

    [Fact]
    public void The_featurizer_puts_english_chinese_and_negated_cue_strength_in_their_own_dense_slots()
    {
        var slot = WithCues.ComplaintCueSlot;
        slot.ShouldBe(FeaturizerSettings.PlainQuestionSlot + 1);
        WithCues.DenseCount.ShouldBe(14);
        Dense(Featurizer, "still waiting for my refund", slot).ShouldBeGreaterThan(0);
        Dense(Featurizer, "still waiting for my refund", slot + 1).ShouldBe(0);
        Dense(Featurizer, "等了两个小时还没到", slot + 1).ShouldBeGreaterThan(0);
        Dense(Featurizer, "not delayed at all", slot + 2).ShouldBeGreaterThan(0);
        Dense(Featurizer, "not delayed at all", slot).ShouldBe(0);
    }

    [Fact]
    public void Cue_scale_and_negative_evidence_settings_change_what_the_model_sees()
    {
        var scaled = new TextFeaturizer(WithCues with { ComplaintCueScale = 3f }, SentimentLexicon.For(WithCues));
        Dense(scaled, "flight delayed", WithCues.ComplaintCueSlot).ShouldBe(3 * Dense(Featurizer, "flight delayed", WithCues.ComplaintCueSlot), 1e-5f);
        var asNegative = new TextFeaturizer(WithCues with { ComplaintCuesAsNegative = 1f }, SentimentLexicon.For(WithCues));
        // Dense slot 1 is log(1 + negative lexicon evidence); the cue strength adds to it.
        Dense(asNegative, "flight delayed", 1).ShouldBeGreaterThan(Dense(Featurizer, "flight delayed", 1) + 0.1f);
        Dense(asNegative, "love this crew", 1).ShouldBe(Dense(Featurizer, "love this crew", 1));
    }

    [Theory]
    [InlineData("外卖两个小时了[怒]", "外卖两个小时了[赞]")]
    [InlineData("这服务[抓狂][抓狂]", "这服务[爱你]")]
    [InlineData("bad service [弱]", "bad service [good]")]
    public void Bracket_emoticons_inside_text_carry_polarity_with_the_web_lexicon(string angry, string happy)
    {
        // Dense slot 2 is tanh(positive − negative lexicon evidence).
        Dense(Featurizer, angry, 2).ShouldBeLessThan(Dense(Featurizer, happy, 2));
        Featurizer.FeaturizeToArrays(angry).Indices.ShouldNotBe(Featurizer.FeaturizeToArrays(happy).Indices);
    }

    [Fact]
    public void Without_the_web_lexicon_bracket_emoticons_are_unknown_as_before()
    {
        var old = new FeaturizerSettings(SkipFoldedLetters: true, RuleFeatures: true);
        var featurizer = new TextFeaturizer(old, SentimentLexicon.For(old));
        SentimentLexicon.For(old).ShouldBeSameAs(SentimentLexicon.Shipped);
        SentimentLexicon.Shipped.TryGet("[怒]", out _).ShouldBeFalse();
        SentimentLexicon.ShippedWeb.TryGet("[怒]", out var angry).ShouldBeTrue();
        angry.ShouldBeLessThan(0);
        old.DenseCount.ShouldBe(11);
        // "[good]" only counts through the English word good, so it reads as praise; with the web lexicon it is the emoticon.
        Dense(featurizer, "服务[good]", 2).ShouldBeGreaterThan(0);
        Dense(featurizer, "服务[弱]", 2).ShouldBe(Dense(featurizer, "服务", 2));
    }

    [Fact]
    public void The_complaint_cue_list_and_web_lexicon_are_embedded()
    {
        ComplaintCues.Shipped.Count.ShouldBeGreaterThan(150);
        (SentimentLexicon.ShippedWeb.Count - SentimentLexicon.Shipped.Count).ShouldBeGreaterThan(40);
    }
}
