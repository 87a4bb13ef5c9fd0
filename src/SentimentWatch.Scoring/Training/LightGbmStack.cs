using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// A gradient-boosted stacker over (base logit, dense features), fitted on out-of-fold cross-domain
/// predictions: the non-linear counterpart of <see cref="BlendFit"/>, measured by the experiments only.
/// </summary>
internal static class LightGbmStack
{
    public static Func<float, float[], float> Fit(IReadOnlyList<OutOfFoldPrediction> rows)
    {
        var ml = new MLContext(seed: 1);
        var width = rows[0].Dense.Length + 1;
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new StackRow { Label = r.Positive, Features = Features(r.Logit, r.Dense) }).ToList(), Schema(width));
        var model = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfLeaves = 15,
            NumberOfIterations = 100,
            MinimumExampleCountPerLeaf = 50,
            LearningRate = 0.1,
            Seed = 1,
            NumberOfThreads = 1,
        }).Fit(view);
        var engine = ml.Model.CreatePredictionEngine<StackRow, StackPrediction>(model, inputSchemaDefinition: Schema(width));
        var gate = new object();
        return (logit, dense) =>
        {
            lock (gate)
            {
                return engine.Predict(new StackRow { Features = Features(logit, dense) }).Probability;
            }
        };
    }

    private static float[] Features(float logit, float[] dense) => [Math.Clamp(logit, -15f, 15f), .. dense];

    private static SchemaDefinition Schema(int width)
    {
        var schema = SchemaDefinition.Create(typeof(StackRow));
        schema[nameof(StackRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private sealed class StackRow
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class StackPrediction
    {
        public float Probability { get; set; }
    }
}
