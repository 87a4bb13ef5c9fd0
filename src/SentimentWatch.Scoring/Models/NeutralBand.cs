namespace SentimentWatch.Scoring.Models;

/// <summary>
/// Turns the binary model's P(positive) into calibrated negative / neutral / positive
/// probabilities with an ordinal logistic model on z = logit(P(positive)):
/// P(negative) = σ(Low − Slope·z), P(negative or neutral) = σ(High − Slope·z).
/// Fitted on hand-labelled posts (never on the two-class training data), so "neutral" is a band
/// of the binary model's probability whose bounds come from people reading posts.
/// </summary>
public sealed record NeutralBand(float Low, float High, float Slope)
{
    /// <summary>Used only when a model carries no fitted band: a symmetric band around 0.5.</summary>
    public static NeutralBand Default { get; } = new(-1.5f, 1.5f, 1f);

    public (float Negative, float Neutral, float Positive) Probabilities(float positiveProbability)
    {
        var p = Math.Clamp(positiveProbability, 1e-6f, 1 - 1e-6f);
        var z = MathF.Log(p / (1 - p));
        var negative = Sigmoid(Low - (Slope * z));
        var notPositive = Sigmoid(High - (Slope * z));
        return (negative, Math.Max(0, notPositive - negative), 1 - notPositive);
    }

    /// <summary>The P(positive) interval inside which neutral is the most probable label.</summary>
    public (float From, float To) NeutralInterval()
    {
        float lo = 0, hi = 1;
        var found = false;
        for (var i = 1; i < 1000; i++)
        {
            var p = i / 1000f;
            var (n, u, q) = Probabilities(p);
            if (u >= n && u >= q)
            {
                if (!found)
                {
                    lo = p;
                    found = true;
                }

                hi = p;
            }
        }

        return found ? (lo, hi) : (float.NaN, float.NaN);
    }

    /// <summary>Maximum-likelihood fit by gradient ascent; labels are 0 negative, 1 neutral, 2 positive.</summary>
    public static NeutralBand Fit(IReadOnlyList<float> positiveProbabilities, IReadOnlyList<int> labels)
    {
        if (positiveProbabilities.Count == 0)
        {
            return Default;
        }

        double low = -1, gap = Math.Log(2), slope = 1;
        const double rate = 0.05;
        var z = positiveProbabilities.Select(p => Math.Log(Math.Clamp(p, 1e-6, 1 - 1e-6) / (1 - Math.Clamp(p, 1e-6, 1 - 1e-6)))).ToArray();
        for (var iteration = 0; iteration < 4000; iteration++)
        {
            double gLow = 0, gGap = 0, gSlope = 0;
            var high = low + Math.Exp(gap);
            for (var i = 0; i < z.Length; i++)
            {
                var a = Sigmoid(low - (slope * z[i]));
                var b = Sigmoid(high - (slope * z[i]));
                // d log-likelihood wrt the two cut points (u = cut − slope·z), per observed class.
                double dA, dB;
                switch (labels[i])
                {
                    case 0: dA = 1 - a; dB = 0; break;
                    case 1:
                        var mass = Math.Max(b - a, 1e-9);
                        dA = -a * (1 - a) / mass;
                        dB = b * (1 - b) / mass;
                        break;
                    default: dA = 0; dB = -b; break;
                }

                gLow += dA + dB;
                gGap += dB * Math.Exp(gap);
                gSlope += -(dA + dB) * z[i];
            }

            low += rate * gLow / z.Length;
            gap += rate * gGap / z.Length;
            slope = Math.Max(0.05, slope + (rate * gSlope / z.Length));
        }

        return new NeutralBand((float)low, (float)(low + Math.Exp(gap)), (float)slope);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
