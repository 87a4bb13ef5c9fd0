using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Counts matching mentions per time bucket (and group) and per topic/source/author straight
/// from DocValues: no stored field is read. Each index segment is counted on its own thread
/// into arrays (buckets by offset, terms by ordinal), and the per-segment arrays are turned
/// into strings and merged once at the end — no per-document dictionary work.
/// </summary>
internal static class StatsCollector
{
    /// <summary>More buckets than this in one segment means nonsense publish dates, not a real histogram.</summary>
    private const int MaxBucketsPerSegment = 4 << 20;

    public static MentionStats Collect(IndexSearcher searcher, Query query, MentionStatsRequest request)
    {
        var weight = searcher.CreateNormalizedWeight(query);
        var leaves = searcher.IndexReader.Leaves;
        var segments = new SegmentCounts?[leaves.Count];
        var zone = StatsBuckets.Zone(request);
        Parallel.For(0, leaves.Count, i =>
        {
            var leaf = leaves[i];
            var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
            if (scorer is null)
            {
                return;
            }

            var counts = new SegmentCounts(leaf.AtomicReader, request, zone);
            int doc;
            while ((doc = scorer.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                counts.Collect(doc);
            }

            segments[i] = counts;
        });

        long total = 0;
        var histogram = new Dictionary<long, (long Count, Dictionary<string, long>? Groups)>();
        var topics = new Dictionary<string, long>(StringComparer.Ordinal);
        var sources = new Dictionary<string, long>(StringComparer.Ordinal);
        var authors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            if (segment is null)
            {
                continue;
            }

            total += segment.Total;
            segment.Topic.AddTo(topics);
            segment.Source.AddTo(sources);
            segment.Author.AddTo(authors);
            segment.AddTo(histogram);
        }

        return new MentionStats(
            total,
            StatsBuckets.Histogram(histogram, request, zone),
            StatsBuckets.Top(topics, request.TopN),
            StatsBuckets.Top(sources, request.TopN),
            StatsBuckets.Top(authors, request.TopN));
    }

    private sealed class SegmentCounts
    {
        private readonly long[] published;
        private readonly int[]? groupOrds;
        private readonly SegmentColumns.MultiColumn? groupMulti;
        private readonly string[] groupNames;
        private readonly long width;
        private readonly long shift;
        private readonly StatsZone? zone;
        private StatsZone.Period period;
        private Dictionary<long, (long Count, int[]? Groups)>? outliers;
        private long baseKey;
        private long[] buckets = [];
        private int[]?[] groups = [];

        public SegmentCounts(AtomicReader reader, MentionStatsRequest request, StatsZone? zone)
        {
            this.zone = zone;
            var columns = SegmentColumns.For(reader);
            published = columns.Published;
            Topic = new Ordinals(columns.Topic);
            Source = new Ordinals(columns.Source);
            Author = new Ordinals(columns.Author);
            var single = request.GroupBy switch
            {
                MentionGroupBy.Sentiment => columns.Sentiment,
                MentionGroupBy.Topic => columns.Topic,
                MentionGroupBy.Source => columns.Source,
                MentionGroupBy.Watch or null => null,
                _ => throw new ArgumentOutOfRangeException(nameof(request), request.GroupBy, "unknown group"),
            };
            groupOrds = single?.Ords;
            groupMulti = request.GroupBy == MentionGroupBy.Watch ? columns.Watch : null;
            groupNames = single?.Names ?? groupMulti?.Names ?? [];
            width = StatsBuckets.Width(request.Interval);
            shift = StatsBuckets.Shift(request.Interval, request.UtcOffset);
        }

        public long Total { get; private set; }

        public Ordinals Topic { get; }

        public Ordinals Source { get; }

        public Ordinals Author { get; }

        public void Collect(int doc)
        {
            Total++;
            long key;
            if (zone is not null)
            {
                key = zone.Key(published[doc], ref period);
            }
            else
            {
                var shifted = published[doc] + shift;
                key = shifted / width;
                if (shifted % width < 0)
                {
                    key--;
                }
            }

            Topic.Count(doc);
            Source.Count(doc);
            Author.Count(doc);
            var grouped = groupOrds is not null || groupMulti is not null;
            int[]? counts;
            if (TrySlot(key, out var slot))
            {
                buckets[slot]++;
                counts = grouped ? groups[slot] ??= new int[groupNames.Length] : null;
            }
            else
            {
                // A publish date far from the rest (9999-12-31 next to 2026): counted on the side
                // rather than growing the dense arrays across millennia.
                outliers ??= [];
                outliers.TryGetValue(key, out var outlier);
                outlier.Count++;
                outlier.Groups ??= grouped ? new int[groupNames.Length] : null;
                outliers[key] = outlier;
                counts = outlier.Groups;
            }

            if (groupOrds is not null)
            {
                var ord = groupOrds[doc];
                if (ord >= 0)
                {
                    counts![ord]++;
                }
            }
            else if (groupMulti is not null)
            {
                for (var i = groupMulti.Starts[doc]; i < groupMulti.Starts[doc + 1]; i++)
                {
                    counts![groupMulti.Ords[i]]++;
                }
            }
        }

        public void AddTo(Dictionary<long, (long Count, Dictionary<string, long>? Groups)> histogram)
        {
            for (var slot = 0; slot < buckets.Length; slot++)
            {
                if (buckets[slot] != 0)
                {
                    Merge(histogram, baseKey + slot, buckets[slot], groups[slot]);
                }
            }

            foreach (var (key, outlier) in outliers ?? [])
            {
                Merge(histogram, key, outlier.Count, outlier.Groups);
            }
        }

        private void Merge(Dictionary<long, (long Count, Dictionary<string, long>? Groups)> histogram, long key, long count, int[]? counts)
        {
            histogram.TryGetValue(key, out var merged);
            merged.Count += count;
            if (groupOrds is not null || groupMulti is not null)
            {
                merged.Groups ??= new Dictionary<string, long>(StringComparer.Ordinal);
                if (counts is not null)
                {
                    for (var ord = 0; ord < counts.Length; ord++)
                    {
                        if (counts[ord] > 0)
                        {
                            var name = groupNames[ord];
                            merged.Groups[name] = merged.Groups.GetValueOrDefault(name) + counts[ord];
                        }
                    }
                }
            }

            histogram[key] = merged;
        }

        /// <summary>The array slot of a bucket key, growing the arrays (either way) when the key is new; false when that would span too many buckets.</summary>
        private bool TrySlot(long key, out int slot)
        {
            var offset = key - baseKey;
            if (offset >= 0 && offset < buckets.Length)
            {
                slot = (int)offset;
                return true;
            }

            if (buckets.Length == 0)
            {
                baseKey = key - 32;
                buckets = new long[128];
                groups = new int[]?[128];
                slot = 32;
                return true;
            }

            var low = Math.Min(baseKey, key);
            var high = Math.Max(baseKey + buckets.Length - 1, key);
            var span = high - low + 1;
            if (span > MaxBucketsPerSegment)
            {
                slot = -1;
                return false;
            }

            // Grow by half again on the side that overflowed, so scattered keys cost amortised O(1).
            var extra = Math.Min(MaxBucketsPerSegment - span, Math.Max(64, span / 2));
            var newLow = key < baseKey ? low - extra : low;
            var newLength = (int)(span + extra);
            var newBuckets = new long[newLength];
            var newGroups = new int[]?[newLength];
            var move = (int)(baseKey - newLow);
            Array.Copy(buckets, 0, newBuckets, move, buckets.Length);
            Array.Copy(groups, 0, newGroups, move, groups.Length);
            buckets = newBuckets;
            groups = newGroups;
            baseKey = newLow;
            slot = (int)(key - baseKey);
            return true;
        }
    }

    /// <summary>Counts per term ordinal of one single-valued keyword field in one segment.</summary>
    private sealed class Ordinals(SegmentColumns.Column column)
    {
        private readonly int[] ords = column.Ords;
        private readonly int[] counts = new int[column.Names.Length];

        public void Count(int doc)
        {
            var ord = ords[doc];
            if (ord >= 0)
            {
                counts[ord]++;
            }
        }

        public void AddTo(Dictionary<string, long> totals)
        {
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] > 0)
                {
                    var name = column.Names[ord];
                    totals[name] = totals.GetValueOrDefault(name) + counts[ord];
                }
            }
        }
    }
}
