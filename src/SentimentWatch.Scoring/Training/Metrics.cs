namespace SentimentWatch.Scoring.Training;

/// <summary>The figures the model card reports.</summary>
public static class Metrics
{
    /// <summary>Mean of the recall on negatives and the recall on non-negatives: fair when classes are unbalanced.</summary>
    public static double BalancedAccuracy(IReadOnlyList<bool> actualNegative, IReadOnlyList<bool> predictedNegative)
    {
        int tp = 0, fn = 0, tn = 0, fp = 0;
        for (var i = 0; i < actualNegative.Count; i++)
        {
            switch (actualNegative[i], predictedNegative[i])
            {
                case (true, true): tp++; break;
                case (true, false): fn++; break;
                case (false, false): tn++; break;
                default: fp++; break;
            }
        }

        var sensitivity = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        var specificity = tn + fp == 0 ? 0 : (double)tn / (tn + fp);
        return (sensitivity + specificity) / 2;
    }

    public static double Accuracy<T>(IReadOnlyList<T> actual, IReadOnlyList<T> predicted)
    {
        var correct = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(actual[i], predicted[i]))
            {
                correct++;
            }
        }

        return actual.Count == 0 ? 0 : (double)correct / actual.Count;
    }

    public static double MacroF1(IReadOnlyList<string> actual, IReadOnlyList<string> predicted, IEnumerable<string> classes)
    {
        var scores = new List<double>();
        foreach (var label in classes)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < actual.Count; i++)
            {
                var isActual = actual[i] == label;
                var isPredicted = predicted[i] == label;
                tp += isActual && isPredicted ? 1 : 0;
                fp += !isActual && isPredicted ? 1 : 0;
                fn += isActual && !isPredicted ? 1 : 0;
            }

            if (tp + fn == 0)
            {
                continue;
            }

            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = (double)tp / (tp + fn);
            scores.Add(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        }

        return scores.Count == 0 ? 0 : scores.Average();
    }

    /// <summary>Area under the ROC curve of P(positive) against the true polarity.</summary>
    public static double Auc(IReadOnlyList<bool> positive, IReadOnlyList<float> probability)
    {
        var order = Enumerable.Range(0, positive.Count).OrderBy(i => probability[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        for (var r = 0; r < order.Length; r++)
        {
            if (positive[order[r]])
            {
                rankSum += r + 1;
                positives++;
            }
        }

        var negatives = positive.Count - positives;
        return positives == 0 || negatives == 0 ? 0 : (rankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
    }
}
