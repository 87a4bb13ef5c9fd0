using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// The stats dimensions of one index segment as plain arrays: publish time, and the term
/// ordinal of topic, source, author, sentiment (and watches, multi-valued) per document, with
/// the ordinals' names. Lucene.NET reads DocValues through its file abstraction at a few hundred
/// nanoseconds a value, too slow to touch five per document on a million mentions per stats
/// query; segments never change once written, so each is read into arrays once (on first use)
/// and dropped when the segment is merged away.
/// </summary>
internal sealed class SegmentColumns
{
    private static readonly ConditionalWeakTable<object, SegmentColumns> Cache = new();

    private SegmentColumns(AtomicReader reader)
    {
        var maxDoc = reader.MaxDoc;
        Published = new long[maxDoc];
        var published = reader.GetNumericDocValues(MentionDocument.Published);
        if (published is not null)
        {
            for (var doc = 0; doc < maxDoc; doc++)
            {
                Published[doc] = published.Get(doc);
            }
        }

        Reach = new long[maxDoc];
        var reach = reader.GetNumericDocValues(MentionDocument.Reach);
        if (reach is not null)
        {
            for (var doc = 0; doc < maxDoc; doc++)
            {
                Reach[doc] = reach.Get(doc);
            }
        }

        Topic = Column.Load(reader, MentionDocument.Topic);
        Source = Column.Load(reader, MentionDocument.Source);
        Author = Column.Load(reader, MentionDocument.Author);
        Sentiment = Column.Load(reader, MentionDocument.Sentiment);
        Watch = MultiColumn.Load(reader, MentionDocument.Watch);
    }

    public long[] Published { get; }

    public long[] Reach { get; }

    public Column Topic { get; }

    public Column Source { get; }

    public Column Author { get; }

    public Column Sentiment { get; }

    public MultiColumn Watch { get; }

    public static SegmentColumns For(AtomicReader reader) =>
        Cache.GetValue(reader.CoreCacheKey, _ => new SegmentColumns(reader));

    /// <summary>A single-valued keyword field: ordinal per document (-1 when absent) and the names.</summary>
    internal sealed class Column(int[] ords, string[] names)
    {
        public int[] Ords { get; } = ords;

        public string[] Names { get; } = names;

        public static Column Load(AtomicReader reader, string field)
        {
            var ords = new int[reader.MaxDoc];
            var values = reader.GetSortedDocValues(field);
            if (values is null)
            {
                Array.Fill(ords, -1);
                return new Column(ords, []);
            }

            for (var doc = 0; doc < ords.Length; doc++)
            {
                ords[doc] = values.GetOrd(doc);
            }

            var names = new string[values.ValueCount];
            var scratch = new BytesRef();
            for (var ord = 0; ord < names.Length; ord++)
            {
                values.LookupOrd(ord, scratch);
                names[ord] = scratch.Utf8ToString();
            }

            return new Column(ords, names);
        }
    }

    /// <summary>A multi-valued keyword field: the ordinals of document d are Ords[Starts[d]..Starts[d+1]].</summary>
    internal sealed class MultiColumn(int[] starts, int[] ords, string[] names)
    {
        public int[] Starts { get; } = starts;

        public int[] Ords { get; } = ords;

        public string[] Names { get; } = names;

        public static MultiColumn Load(AtomicReader reader, string field)
        {
            var starts = new int[reader.MaxDoc + 1];
            var values = reader.GetSortedSetDocValues(field);
            if (values is null)
            {
                return new MultiColumn(starts, [], []);
            }

            var ords = new List<int>(reader.MaxDoc);
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                starts[doc] = ords.Count;
                values.SetDocument(doc);
                long ord;
                while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
                {
                    ords.Add((int)ord);
                }
            }

            starts[reader.MaxDoc] = ords.Count;
            var names = new string[values.ValueCount];
            var scratch = new BytesRef();
            for (var ord = 0; ord < names.Length; ord++)
            {
                values.LookupOrd(ord, scratch);
                names[ord] = scratch.Utf8ToString();
            }

            return new MultiColumn(starts, [.. ords], names);
        }
    }
}
