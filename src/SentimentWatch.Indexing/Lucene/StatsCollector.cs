using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Counts matching mentions per time bucket (and group) and per topic/source/author straight
/// from DocValues: no stored field is read, and per segment the counting is into arrays indexed
/// by term ordinal, resolved to strings once per segment.
/// </summary>
internal sealed class StatsCollector(MentionStatsRequest request) : ICollector
{
    private readonly Dictionary<long, (long Count, Dictionary<string, long>? Groups)> histogram = [];
    private readonly Dictionary<string, long> topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> authors = new(StringComparer.Ordinal);
    private readonly string? groupField = request.GroupBy switch
    {
        MentionGroupBy.Sentiment => MentionDocument.Sentiment,
        MentionGroupBy.Topic => MentionDocument.Topic,
        MentionGroupBy.Source => MentionDocument.Source,
        MentionGroupBy.Watch => MentionDocument.Watch,
        null => null,
        _ => throw new ArgumentOutOfRangeException(nameof(request), request.GroupBy, "unknown group"),
    };

    private Segment? segment;

    public long Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        var reader = context.AtomicReader;
        segment = new Segment(
            reader.GetNumericDocValues(MentionDocument.Published) ?? DocValues.EMPTY_NUMERIC,
            Ordinals.Of(reader.GetSortedDocValues(MentionDocument.Topic)),
            Ordinals.Of(reader.GetSortedDocValues(MentionDocument.Source)),
            Ordinals.Of(reader.GetSortedDocValues(MentionDocument.Author)),
            groupField is null ? null
                : groupField == MentionDocument.Watch ? Ordinals.Of(reader.GetSortedSetDocValues(groupField))
                : Ordinals.Of(reader.GetSortedDocValues(groupField)));
    }

    public void Collect(int doc)
    {
        var s = segment!;
        Total++;
        var key = StatsBuckets.Key(s.Published.Get(doc), request.Interval, request.UtcOffset);
        if (key != s.LastKey || s.LastBucket is null)
        {
            if (!s.Buckets.TryGetValue(key, out var bucket))
            {
                bucket = new SegmentBucket(s.Group?.ValueCount ?? 0);
                s.Buckets[key] = bucket;
            }

            s.LastKey = key;
            s.LastBucket = bucket;
        }

        var current = s.LastBucket;
        current.Count++;
        s.Topic.Count(doc);
        s.Source.Count(doc);
        s.Author.Count(doc);
        s.Group?.Count(doc, current.Groups);
    }

    public MentionStats ToStats()
    {
        Flush();
        return new MentionStats(
            Total,
            StatsBuckets.Histogram(histogram, request),
            StatsBuckets.Top(topics, request.TopN),
            StatsBuckets.Top(sources, request.TopN),
            StatsBuckets.Top(authors, request.TopN));
    }

    private void Flush()
    {
        if (segment is not { } s)
        {
            return;
        }

        s.Topic.AddTo(topics);
        s.Source.AddTo(sources);
        s.Author.AddTo(authors);
        foreach (var (key, bucket) in s.Buckets)
        {
            histogram.TryGetValue(key, out var merged);
            merged.Count += bucket.Count;
            if (s.Group is { } group)
            {
                merged.Groups ??= new Dictionary<string, long>(StringComparer.Ordinal);
                for (var ord = 0; ord < bucket.Groups.Length; ord++)
                {
                    if (bucket.Groups[ord] > 0)
                    {
                        var name = group.Name(ord);
                        merged.Groups[name] = merged.Groups.GetValueOrDefault(name) + bucket.Groups[ord];
                    }
                }
            }

            histogram[key] = merged;
        }

        segment = null;
    }

    private sealed class Segment(NumericDocValues published, Ordinals topic, Ordinals source, Ordinals author, Ordinals? group)
    {
        public NumericDocValues Published { get; } = published;
        public Ordinals Topic { get; } = topic;
        public Ordinals Source { get; } = source;
        public Ordinals Author { get; } = author;
        public Ordinals? Group { get; } = group;
        public Dictionary<long, SegmentBucket> Buckets { get; } = [];
        public long LastKey { get; set; } = long.MinValue;
        public SegmentBucket? LastBucket { get; set; }
    }

    private sealed class SegmentBucket(int groups)
    {
        public long Count;
        public readonly int[] Groups = new int[groups];
    }

    /// <summary>Term ordinals of one keyword field in one segment, single- or multi-valued.</summary>
    private sealed class Ordinals
    {
        private readonly SortedDocValues? single;
        private readonly SortedSetDocValues? multi;
        private readonly int[] counts;
        private readonly BytesRef scratch = new();

        private Ordinals(SortedDocValues? single, SortedSetDocValues? multi, int valueCount)
        {
            this.single = single;
            this.multi = multi;
            ValueCount = valueCount;
            counts = new int[valueCount];
        }

        public int ValueCount { get; }

        public static Ordinals Of(SortedDocValues? values) => new(values, null, values?.ValueCount ?? 0);

        public static Ordinals Of(SortedSetDocValues? values) => new(null, values, (int)(values?.ValueCount ?? 0));

        public void Count(int doc) => Count(doc, counts);

        public void Count(int doc, int[] into)
        {
            if (single is not null)
            {
                var ord = single.GetOrd(doc);
                if (ord >= 0)
                {
                    into[ord]++;
                }
            }
            else if (multi is not null)
            {
                multi.SetDocument(doc);
                long ord;
                while ((ord = multi.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
                {
                    into[ord]++;
                }
            }
        }

        public string Name(int ord)
        {
            if (single is not null)
            {
                single.LookupOrd(ord, scratch);
            }
            else
            {
                multi!.LookupOrd(ord, scratch);
            }

            return scratch.Utf8ToString();
        }

        public void AddTo(Dictionary<string, long> totals)
        {
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] > 0)
                {
                    var name = Name(ord);
                    totals[name] = totals.GetValueOrDefault(name) + counts[ord];
                }
            }
        }
    }
}
