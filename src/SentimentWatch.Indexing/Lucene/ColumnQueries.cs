using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Range filters and sort comparers over <see cref="SegmentColumns"/> (publish time, reach), used
/// instead of Lucene's DocValues-backed ones, which cost far more per document in Lucene.NET.
/// </summary>
internal static class ColumnQueries
{
    public static Filter Range(string field, long? min, long? maxExclusive) =>
        new ColumnRangeFilter(field, min ?? long.MinValue, maxExclusive ?? long.MaxValue);

    public static SortField Sort(string field, bool descending) => new(field, new ColumnComparerSource(), descending);

    internal static long[] Values(AtomicReader reader, string field) => field switch
    {
        MentionDocument.Published => SegmentColumns.For(reader).Published,
        MentionDocument.Reach => SegmentColumns.For(reader).Reach,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "no cached column"),
    };

    /// <summary>min ≤ value &lt; maxExclusive, answered per document from the cached column (random access).</summary>
    private sealed class ColumnRangeFilter(string field, long min, long maxExclusive) : Filter
    {
        public override DocIdSet GetDocIdSet(AtomicReaderContext context, IBits acceptDocs)
        {
            var values = Values(context.AtomicReader, field);
            return new Matching(context.AtomicReader.MaxDoc, acceptDocs, values, min, maxExclusive);
        }

        public override string ToString() => $"{field}:[{min} TO {maxExclusive})";

        public override bool Equals(object? obj) =>
            obj is ColumnRangeFilter other && other.ToString() == ToString();

        public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

        private sealed class Matching(int maxDoc, IBits acceptDocs, long[] values, long min, long maxExclusive) : FieldCacheDocIdSet(maxDoc, acceptDocs)
        {
            protected override bool MatchDoc(int doc)
            {
                var value = values[doc];
                return value >= min && value < maxExclusive;
            }
        }
    }

    private sealed class ColumnComparerSource : FieldComparerSource
    {
        public override FieldComparer NewComparer(string fieldname, int numHits, int sortPos, bool reversed) =>
            new ColumnComparer(fieldname, numHits);
    }

    /// <summary>Compares documents by a cached long column; values are boxed as J2N Int64 like Lucene's own long comparer.</summary>
    private sealed class ColumnComparer(string field, int numHits) : FieldComparer<J2N.Numerics.Int64>
    {
        private readonly long[] slots = new long[numHits];
        private long[] current = [];
        private long bottom;
        private long top;

        public override J2N.Numerics.Int64 this[int slot] => J2N.Numerics.Int64.GetInstance(slots[slot]);

        public override int Compare(int slot1, int slot2) => slots[slot1].CompareTo(slots[slot2]);

        public override int CompareBottom(int doc) => bottom.CompareTo(current[doc]);

        public override int CompareTop(int doc) => top.CompareTo(current[doc]);

        public override void Copy(int slot, int doc) => slots[slot] = current[doc];

        public override void SetBottom(int slot) => bottom = slots[slot];

        public override void SetTopValue(J2N.Numerics.Int64 value) => top = value.ToInt64();

        public override FieldComparer SetNextReader(AtomicReaderContext context)
        {
            current = Values(context.AtomicReader, field);
            return this;
        }
    }
}
