using Microsoft.ML;
using Microsoft.ML.Data;
using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Training;

/// <summary>Builds ML.NET data views of <see cref="TextFeaturizer"/> output, so training sees exactly what serving computes.</summary>
internal static class FeatureData
{
    public static IDataView Binary(MLContext ml, TextFeaturizer featurizer, IEnumerable<LabelledText> texts) =>
        Binary(ml, featurizer.Settings.VectorSize, texts.Select(t =>
        {
            var (indices, values) = featurizer.FeaturizeToArrays(t.Text);
            return new FeaturizedText(indices, values, t.Positive);
        }));

    /// <summary>A data view over texts featurized beforehand (experiments featurize once and train many times).</summary>
    public static IDataView Binary(MLContext ml, int size, IEnumerable<FeaturizedText> texts)
    {
        var rows = texts.Select(t => new BinaryRow { Label = t.Positive, Features = new VBuffer<float>(size, t.Values.Length, t.Values, t.Indices) }).ToList();
        var schema = SchemaDefinition.Create(typeof(BinaryRow));
        schema[nameof(BinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IDataView Multiclass(MLContext ml, TextFeaturizer featurizer, IEnumerable<(string Text, string Label)> texts)
    {
        var size = featurizer.Settings.VectorSize;
        var rows = texts.Select(t =>
        {
            var (indices, values) = featurizer.FeaturizeToArrays(t.Text);
            return new ClassRow { Label = t.Label, Features = new VBuffer<float>(size, values.Length, values, indices) };
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(ClassRow));
        schema[nameof(ClassRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IDataView Text(MLContext ml, IEnumerable<LabelledText> texts) =>
        ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Label = t.Positive, Text = t.Text }).ToList());

    internal sealed record FeaturizedText(int[] Indices, float[] Values, bool Positive);

    internal sealed class BinaryRow
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }

    internal sealed class ClassRow
    {
        public string Label { get; set; } = "";

        public VBuffer<float> Features { get; set; }
    }

    internal sealed class TextRow
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }

    internal sealed class ClassName
    {
        public string Label { get; set; } = "";
    }
}
