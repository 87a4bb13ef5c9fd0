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

    /// <summary>
    /// The topic without one category (<paramref name="excluded"/>, set to 0 in <paramref name="probabilities"/> and the rest
    /// renormalised): the most likely of the others, through the gate when it is on (decision 243).
    /// </summary>
    public static (int Topic, float Probability) DecideWithout(Span<float> probabilities, int excluded, int otherIndex, float otherThreshold)
    {
        var rest = 1f - probabilities[excluded];
        probabilities[excluded] = 0f;
        var best = excluded == 0 ? 1 : 0;
        for (var c = 0; c < probabilities.Length; c++)
        {
            probabilities[c] = rest <= 0f ? 0f : probabilities[c] / rest;
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        return otherThreshold > 0f ? Decide(probabilities, best, probabilities[best], otherIndex, otherThreshold) : (best, probabilities[best]);
    }
}
