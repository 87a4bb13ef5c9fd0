namespace SentimentWatch.Scoring.Serving;

/// <summary>
/// The topic of a complaint (decision 125; since decision 184 every mention, a complaint misread as positive too): <c>other</c> is kept only when the
/// topic model is at least <c>otherThreshold</c> sure the text is about none of the categories (a negative
/// post about the weather, not a complaint); otherwise the complaint gets its most likely category with
/// that category's probability renormalised over the categories, P(c) / (1 − P(other)).
/// </summary>
public static class ComplaintGate
{
    public static (int Topic, float Probability) Decide(ReadOnlySpan<float> probabilities, int topic, float probability, int otherIndex, float otherThreshold)
    {
        if (otherIndex < 0 || topic != otherIndex || probabilities[otherIndex] >= otherThreshold)
        {
            return (topic, probability);
        }

        var best = -1;
        for (var c = 0; c < probabilities.Length; c++)
        {
            if (c != otherIndex && (best < 0 || probabilities[c] > probabilities[best]))
            {
                best = c;
            }
        }

        if (best < 0)
        {
            return (topic, probability);
        }

        var rest = 1f - probabilities[otherIndex];
        return (best, rest <= 0f ? 0f : Math.Min(1f, probabilities[best] / rest));
    }
}
