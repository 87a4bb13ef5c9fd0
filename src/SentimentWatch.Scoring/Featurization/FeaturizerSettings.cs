namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// How text becomes a feature vector. Saved inside each model file, because a model's weights
/// only mean something under the featurizer it was trained with.
/// </summary>
/// <param name="HashBits">Hashed n-gram space is 2^HashBits wide: bounds the model file size.</param>
/// <param name="CjkUnigrams">Single Chinese characters as features.</param>
/// <param name="CjkTrigrams">Chinese character trigrams (bigrams are always on).</param>
/// <param name="WordBigrams">English word bigrams (unigrams are always on).</param>
/// <param name="LatinCharNgrams">Character 3-grams inside English words: robust to slang and typos.</param>
/// <param name="LexiconScale">Scale of the lexicon features; larger means less regularised, so the model leans on them more.</param>
/// <param name="SkipFoldedLetters">Single Latin letters get no lexicon polarity. The emoji ranking's circled letters
/// (ⓘ +1.0, ⓐ +0.4 …) fold to plain "i", "a" under NFKC, so without this every English "I" and "a" counts as praise.</param>
/// <param name="RuleFeatures">Three more dense features from <see cref="PolarityRules"/>: English and Chinese VADER-style compound scores and a plain-question flag.</param>
/// <param name="ComplaintCues">Three more dense features from <see cref="Featurization.ComplaintCues"/> (Lexicon/complaint-cues.tsv):
/// log(1 + summed strength) of the English and of the Chinese service-complaint cues ("still waiting", 打不通), and of the negated ones ("not delayed", 没有延误).</param>
/// <param name="ComplaintCueScale">Scale of the two complaint-cue features (larger = less regularised).</param>
/// <param name="ComplaintCuesAsNegative">With <paramref name="ComplaintCues"/>, this much of the cue strength is also added to the
/// negative lexicon evidence (dense slots 1 and 2): a prior that the training reviews, where the cues are rare, cannot teach.</param>
/// <param name="WebLexicon">The lexicon also holds Lexicon/zh-web.tsv (Weibo bracket emoticons such as [怒], Chinese web slang), and
/// bracket emoticons are read inside text. Off for models trained before it, which therefore serve unchanged.</param>
/// <param name="GloveLexicon">The lexicon also holds Lexicon/en-glove.tsv: English words the AFINN / VADER lists lack, with a polarity
/// projected from their GloVe vectors (tools/expand-lexicon.js, decision 025), so "stranded" or "overcharged" count as negative.</param>
/// <param name="GloveScale">Weight of the GloVe-projected polarities against the hand-made lists' (1 = as written).</param>
/// <param name="GloveSlots">Instead of merging, the GloVe list's evidence goes to two dense slots of its own (log(1 + positive),
/// log(1 + negative), × <paramref name="GloveScale"/>) after the cue slots; measured, not shipped.</param>
/// <param name="FoldTraditional">Traditional Chinese is folded to Simplified before featurizing (<see cref="Core.Mentions.TextNormalizer.Fold"/>,
/// decision 026), so 態度很差 reads as 态度很差. Off for models trained before it, which therefore serve and reproduce unchanged.</param>
/// <param name="EnglishSocialLexicon">The lexicon also holds Lexicon/en-social.tsv: English social and service-review words AFINN / VADER lack
/// (incredible, glitchy, overpriced, ghosted), hand-written, overriding the GloVe projection's weaker polarities (decision 027).</param>
/// <param name="MentionFeature">An @mention adds a hashed "&lt;user&gt;" feature (every shipped model). Off only in the experiment of
/// decision 206 (whom a post addresses is not its sentiment; measured, not shipped: the tweet corpora's positive lean moved to other
/// features).</param>
/// <param name="ChineseWords">jieba.NET's words of each Chinese run as hashed features beside the character n-grams (decision 208:
/// measured, not shipped; jieba segments about 2,400 Weibo posts a second, far under the scoring speed goal).</param>
public sealed record FeaturizerSettings(
    int HashBits = 18,
    bool CjkUnigrams = true,
    bool CjkTrigrams = true,
    bool WordBigrams = true,
    bool LatinCharNgrams = false,
    float LexiconScale = 1f,
    bool RuleFeatures = false,
    bool SkipFoldedLetters = false,
    bool ComplaintCues = false,
    bool WebLexicon = false,
    float ComplaintCueScale = 1f,
    float ComplaintCuesAsNegative = 0f,
    bool GloveLexicon = false,
    float GloveScale = 1f,
    bool GloveSlots = false,
    bool FoldTraditional = false,
    bool EnglishSocialLexicon = false,
    bool MentionFeature = true,
    bool ChineseWords = false)
{
    /// <summary>Dense features appended after the hashed space (lexicon, negation, punctuation, script).</summary>
    public const int LexiconDenseCount = 8;

    /// <summary>Dense slots of the rule features (after the lexicon ones): English compound, Chinese compound, plain question.</summary>
    public const int RuleEnglishSlot = 8, RuleChineseSlot = 9, PlainQuestionSlot = 10;

    /// <summary>Dense slots of the script shares (CJK, Latin), which act as per-language intercepts.</summary>
    public const int CjkShareSlot = 6, LatinShareSlot = 7;

    /// <summary>First of the three complaint-cue slots (English, Chinese, negated strength): after the rule slots when those are on.</summary>
    public int ComplaintCueSlot => LexiconDenseCount + (RuleFeatures ? 3 : 0);

    /// <summary>First of the two GloVe-lexicon slots (positive, negative evidence), after the cue slots.</summary>
    public int GloveSlot => LexiconDenseCount + (RuleFeatures ? 3 : 0) + (ComplaintCues ? 3 : 0);

    public int DenseCount => GloveSlot + (GloveSlots ? 2 : 0);

    public int HashedSize => 1 << HashBits;

    public int VectorSize => HashedSize + DenseCount;
}
