using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Tests;

/// <summary>Lexicon/en-glove.tsv: English words the AFINN / VADER lists lack, polarity projected from GloVe vectors (decision 025).</summary>
public sealed class GloveLexiconTests
{
    private static readonly FeaturizerSettings Without = new(SkipFoldedLetters: true, RuleFeatures: true, ComplaintCues: true, WebLexicon: true, ComplaintCueScale: 3f);

    private static readonly FeaturizerSettings With = Without with { GloveLexicon = true, GloveScale = 0.5f };

    private static float Dense(FeaturizerSettings settings, string text, int slot)
    {
        var featurizer = new TextFeaturizer(settings, SentimentLexicon.For(settings));
        var (indices, values) = featurizer.FeaturizeToArrays(text);
        var at = Array.IndexOf(indices, settings.HashedSize + slot);
        return at < 0 ? 0 : values[at];
    }

    [Fact]
    public void The_glove_list_is_embedded_bounded_and_adds_only_words_the_hand_made_lists_lack()
    {
        var rows = SentimentLexicon.ReadResource("en-glove.tsv");
        rows.Count.ShouldBeInRange(10_000, 60_000);
        foreach (var (term, polarity) in rows)
        {
            term.ShouldMatch("^[a-z]{2,}$");
            Math.Abs(polarity).ShouldBeInRange(0.08f, 1f);
            SentimentLexicon.ShippedWeb.TryGet(term, out _).ShouldBeFalse($"'{term}' is already in the hand-made lists");
        }

        var expanded = SentimentLexicon.For(With);
        (expanded.Count - SentimentLexicon.ShippedWeb.Count).ShouldBe(rows.Count);
    }

    [Theory]
    [InlineData("we were stranded at the gate")]
    [InlineData("overcharged on my last bill")]
    [InlineData("totally unhelpful reply")]
    public void Words_outside_the_hand_made_lists_carry_negative_evidence_with_the_glove_lexicon(string text)
    {
        // Dense slot 1 is log(1 + negative lexicon evidence).
        Dense(Without, text, 1).ShouldBe(0f);
        Dense(With, text, 1).ShouldBeGreaterThan(0f);
    }

    [Fact]
    public void The_scale_weighs_the_projected_polarities_and_negation_flips_them()
    {
        var full = With with { GloveScale = 1f };
        SentimentLexicon.For(full).TryGet("overcharged", out var one).ShouldBeTrue();
        SentimentLexicon.For(With).TryGet("overcharged", out var half).ShouldBeTrue();
        half.ShouldBe(one * 0.5f, 1e-6f);
        one.ShouldBeLessThan(0f);

        // Negated, a negative word is weak positive evidence (slot 0), as with the hand-made lists.
        Dense(With, "not overcharged", 0).ShouldBeGreaterThan(0f);
        Dense(With, "not overcharged", 1).ShouldBe(0f);
    }

    [Fact]
    public void Models_trained_without_it_keep_the_lexicon_they_were_trained_with()
    {
        SentimentLexicon.For(Without).ShouldBeSameAs(SentimentLexicon.ShippedWeb);
        SentimentLexicon.For(Without with { WebLexicon = false }).ShouldBeSameAs(SentimentLexicon.Shipped);
        SentimentLexicon.For(With).ShouldBeSameAs(SentimentLexicon.For(Without with { GloveLexicon = true, GloveScale = 0.5f }));
        Without.DenseCount.ShouldBe(With.DenseCount);
    }

    [Fact]
    public void In_separate_slots_the_glove_evidence_stays_out_of_the_lexicon_slots()
    {
        var slots = Without with { GloveSlots = true };
        slots.DenseCount.ShouldBe(Without.DenseCount + 2);
        SentimentLexicon.For(slots).ShouldBeSameAs(SentimentLexicon.ShippedWeb);
        Dense(slots, "we were stranded at the gate", 1).ShouldBe(0f);
        Dense(slots, "we were stranded at the gate", slots.GloveSlot + 1).ShouldBeGreaterThan(0f);
        Dense(slots, "we were stranded at the gate", slots.GloveSlot).ShouldBe(0f);
    }
}
