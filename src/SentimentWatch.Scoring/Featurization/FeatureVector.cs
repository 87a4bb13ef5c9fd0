namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// A reusable sparse feature vector: indices ascending and unique once <see cref="TextFeaturizer"/>
/// is done. One per thread; it grows and is never shrunk, so steady-state scoring allocates little.
/// </summary>
public sealed class FeatureVector
{
    private int[] _indices = new int[256];
    private float[] _values = new float[256];

    public int Count { get; private set; }

    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, Count);

    public ReadOnlySpan<float> Values => _values.AsSpan(0, Count);

    internal Span<int> IndexBuffer => _indices.AsSpan(0, Count);

    internal Span<float> ValueBuffer => _values.AsSpan(0, Count);

    internal void Clear() => Count = 0;

    internal void Add(int index, float value)
    {
        if (Count == _indices.Length)
        {
            Array.Resize(ref _indices, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        _indices[Count] = index;
        _values[Count] = value;
        Count++;
    }

    internal void Truncate(int count) => Count = count;
}
