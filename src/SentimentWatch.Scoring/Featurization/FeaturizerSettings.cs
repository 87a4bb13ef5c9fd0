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
public sealed record FeaturizerSettings(
    int HashBits = 18,
    bool CjkUnigrams = true,
    bool CjkTrigrams = true,
    bool WordBigrams = true,
    bool LatinCharNgrams = false,
    float LexiconScale = 1f)
{
    /// <summary>Dense features appended after the hashed space (lexicon, negation, punctuation, script).</summary>
    public const int DenseCount = 8;

    public int HashedSize => 1 << HashBits;

    public int VectorSize => HashedSize + DenseCount;
}
