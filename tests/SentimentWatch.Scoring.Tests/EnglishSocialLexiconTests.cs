using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Tests;

/// <summary>Lexicon/en-social.tsv: hand-written English social and service words AFINN / VADER lack (decision 027).</summary>
public sealed class EnglishSocialLexiconTests
{
    private static readonly FeaturizerSettings Glove = new(SkipFoldedLetters: true, WebLexicon: true, GloveLexicon: true, GloveScale: 0.5f);

    private static readonly FeaturizerSettings Social = Glove with { EnglishSocialLexicon = true };

    [Fact]
    public void The_list_only_adds_words_the_hand_made_lists_lack_and_overrides_the_glove_projection()
    {
        var rows = SentimentLexicon.ReadResource("en-social.tsv");
        rows.Count.ShouldBeInRange(50, 500);
        var social = SentimentLexicon.For(Social);
        var glove = SentimentLexicon.For(Glove);
        foreach (var (term, polarity) in rows)
        {
            term.ShouldMatch("^[a-z]{2,}$");
            SentimentLexicon.ShippedWeb.TryGet(term, out _).ShouldBeFalse($"'{term}' is already in the hand-made lists");
            social.TryGet(term, out var served).ShouldBeTrue();
            served.ShouldBe(polarity);
        }

        glove.TryGet("incredible", out var projected).ShouldBeTrue();
        social.TryGet("incredible", out var written).ShouldBeTrue();
        written.ShouldBeGreaterThan(5 * projected);
    }

    [Theory]
    [InlineData("the new update is incredible", 0)]
    [InlineData("the app is so glitchy and laggy", 1)]
    [InlineData("overpriced and the bread was moldy", 1)]
    public void Social_words_carry_strong_evidence_only_with_the_setting(string text, int slot)
    {
        // Dense slot 0 is log(1 + positive lexicon evidence), slot 1 log(1 + negative evidence).
        Dense(Social, text, slot).ShouldBeGreaterThan(2 * Dense(Glove, text, slot));
    }

    [Fact]
    public void Older_settings_keep_the_lexicon_they_were_trained_with()
    {
        SentimentLexicon.For(new FeaturizerSettings(WebLexicon: true)).ShouldBeSameAs(SentimentLexicon.ShippedWeb);
        SentimentLexicon.For(new FeaturizerSettings()).ShouldBeSameAs(SentimentLexicon.Shipped);
        SentimentLexicon.For(Glove).TryGet("ghosted", out _).ShouldBeFalse();
    }

    private static float Dense(FeaturizerSettings settings, string text, int slot)
    {
        var featurizer = new TextFeaturizer(settings, SentimentLexicon.For(settings));
        var (indices, values) = featurizer.FeaturizeToArrays(text);
        var at = Array.IndexOf(indices, settings.HashedSize + slot);
        return at < 0 ? 0 : values[at];
    }
}
