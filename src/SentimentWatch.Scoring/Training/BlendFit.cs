using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>A prediction made by a model that never saw the text's domain, with what the blend may use.</summary>
/// <param name="Logit">The base model's logit.</param>
/// <param name="Dense">The text's dense feature values (slot 0 = first after the hashed space).</param>
internal sealed record OutOfFoldPrediction(float Logit, float[] Dense, bool Positive, int Fold);

/// <summary>Fits <see cref="SentimentBlend"/> weights by maximum likelihood (Newton's method, a light ridge) on out-of-fold predictions.</summary>
internal static class BlendFit
{
    private const double Ridge = 1.0;

    public static SentimentBlend Fit(IReadOnlyList<OutOfFoldPrediction> rows, IReadOnlyList<int> slots, float questionShrink)
    {
        var k = slots.Count + 1;
        var theta = new double[k];
        theta[0] = 1;
        var x = new double[k];
        for (var iteration = 0; iteration < 30; iteration++)
        {
            var gradient = new double[k];
            var hessian = new double[k, k];
            foreach (var row in rows)
            {
                Fill(row, slots, x);
                var z = 0.0;
                for (var a = 0; a < k; a++)
                {
                    z += theta[a] * x[a];
                }

                var p = 1 / (1 + Math.Exp(-z));
                var residual = (row.Positive ? 1 : 0) - p;
                var w = p * (1 - p);
                for (var a = 0; a < k; a++)
                {
                    gradient[a] += residual * x[a];
                    for (var b = 0; b < k; b++)
                    {
                        hessian[a, b] += w * x[a] * x[b];
                    }
                }
            }

            for (var a = 0; a < k; a++)
            {
                gradient[a] -= Ridge * (theta[a] - (a == 0 ? 1 : 0));
                hessian[a, a] += Ridge;
            }

            // Newton from an over-confident start overshoots: halve the step until the penalised
            // likelihood improves.
            var step = Solve(hessian, gradient);
            var before = LogLikelihood(rows, slots, theta);
            var trial = new double[k];
            var scale = 1.0;
            for (var halving = 0; halving < 30; halving++, scale /= 2)
            {
                for (var a = 0; a < k; a++)
                {
                    trial[a] = theta[a] + (scale * step[a]);
                }

                if (LogLikelihood(rows, slots, trial) >= before)
                {
                    break;
                }
            }

            var change = 0.0;
            for (var a = 0; a < k; a++)
            {
                change += Math.Abs(trial[a] - theta[a]);
                theta[a] = trial[a];
            }

            if (change < 1e-6)
            {
                break;
            }
        }

        return new SentimentBlend((float)theta[0], slots.Select((s, i) => (s, (float)theta[i + 1])).ToDictionary(t => t.s, t => t.Item2), questionShrink);
    }

    private static double LogLikelihood(IReadOnlyList<OutOfFoldPrediction> rows, IReadOnlyList<int> slots, double[] theta)
    {
        var x = new double[theta.Length];
        var sum = 0.0;
        foreach (var row in rows)
        {
            Fill(row, slots, x);
            var z = 0.0;
            for (var a = 0; a < theta.Length; a++)
            {
                z += theta[a] * x[a];
            }

            // log σ(±z), computed without overflow.
            var signed = row.Positive ? z : -z;
            sum += signed >= 0 ? -Math.Log(1 + Math.Exp(-signed)) : signed - Math.Log(1 + Math.Exp(signed));
        }

        for (var a = 0; a < theta.Length; a++)
        {
            var d = theta[a] - (a == 0 ? 1 : 0);
            sum -= 0.5 * Ridge * d * d;
        }

        return sum;
    }

    private static void Fill(OutOfFoldPrediction row, IReadOnlyList<int> slots, double[] x)
    {
        x[0] = Math.Clamp(row.Logit, -15, 15);
        for (var i = 0; i < slots.Count; i++)
        {
            x[i + 1] = row.Dense[slots[i]];
        }
    }

    // Gaussian elimination with partial pivoting; the system is tiny (a handful of weights).
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (var c = 0; c < n; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            (v[col], v[pivot]) = (v[pivot], v[col]);
            for (var r = col + 1; r < n; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var c = col; c < n; c++)
                {
                    m[r, c] -= f * m[col, c];
                }

                v[r] -= f * v[col];
            }
        }

        var result = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = v[r];
            for (var c = r + 1; c < n; c++)
            {
                sum -= m[r, c] * result[c];
            }

            result[r] = sum / m[r, r];
        }

        return result;
    }
}
