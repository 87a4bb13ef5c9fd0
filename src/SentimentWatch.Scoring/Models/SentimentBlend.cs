namespace SentimentWatch.Scoring.Models;

/// <summary>
/// An out-of-domain correction of the binary model's logit: logit' = ModelWeight·logit +
/// Σ DenseWeights[slot]·(dense feature slot), then a plain question's logit (a question with no
/// lexicon evidence) is multiplied by <see cref="QuestionShrink"/>. The weights are fitted on
/// out-of-fold cross-domain predictions (each domain predicted by a model that never saw it), never
/// on the hand-labelled posts, so they say how far the n-gram model can be trusted on text unlike
/// its training data. Being linear in the features, it is folded into the linear model at load time:
/// serving costs nothing extra.
/// </summary>
/// <param name="DenseWeights">Dense slot (0 = first slot after the hashed space) → weight added to the logit.</param>
/// <param name="QuestionShrink">1 = off; 0 = a plain question always sits at P(positive) = 0.5.</param>
public sealed record SentimentBlend(float ModelWeight, IReadOnlyDictionary<int, float> DenseWeights, float QuestionShrink = 1f)
{
    /// <summary>Applies the blend to a base logit; <paramref name="dense"/> gives a dense slot's value.</summary>
    public float Apply(float logit, Func<int, float> dense, bool plainQuestion)
    {
        var result = ModelWeight * logit;
        foreach (var (slot, weight) in DenseWeights)
        {
            result += weight * dense(slot);
        }

        return plainQuestion ? result * QuestionShrink : result;
    }

    public override string ToString()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var dense = string.Concat(DenseWeights.OrderBy(d => d.Key).Select(d => string.Create(c, $" {d.Value:+0.000;-0.000}·dense[{d.Key}]")));
        return string.Create(c, $"logit' = {ModelWeight:F3}·logit{dense}, plain questions ×{QuestionShrink:F2}");
    }
}
