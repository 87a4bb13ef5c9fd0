using Lucene.Net.Documents;
using Lucene.Net.Util;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// How a mention is laid out in Lucene: the whole mention as one compact stored JSON field
/// (what Get/Search return), one analysed text field, and keyword + DocValues fields for every
/// filter, sort and stats dimension so those never touch stored fields.
/// </summary>
internal static class MentionDocument
{
    public const string Id = "id";
    public const string Json = "json";
    public const string Text = "text";
    public const string Source = "source";
    public const string Author = "author";
    public const string Topic = "topic";
    public const string Sentiment = "sentiment";
    public const string Watch = "watch";
    public const string Language = "language";
    public const string Thread = "thread";
    public const string Published = "published";
    public const string Reach = "reach";

    /// <summary>The sentiment keyword of a mention no model has scored yet.</summary>
    public const string Unscored = "unscored";

    /// <summary>Keyword fields a query may address as <c>field:value</c>.</summary>
    public static readonly string[] KeywordFields = [Id, Source, Author, Topic, Sentiment, Watch, Language, Thread];

    /// <summary>The sentiment keyword filters and stats read: an analyst's correction wins over the model (decision 160).</summary>
    public static string SentimentKey(Mention mention) =>
        mention.LabelledSentiment is { } label ? SentimentScore.ToWire(label) : Unscored;

    /// <summary>The topic keyword filters and stats read: an analyst's correction wins over the model (decision 160).</summary>
    public static string? TopicKey(Mention mention) => mention.LabelledTopic;

    public static long ReachOf(Mention mention) => mention.Engagement.Total;

    /// <summary>A new document for the mention, its fields its own.</summary>
    public static Document Create(Mention mention) => new Fields().Fill(mention);

    /// <summary>
    /// The document for the mention built from this thread's reused fields: valid until the
    /// next call on the same thread, so the caller hands it to the writer at once (decision 201).
    /// </summary>
    public static Document CreateReused(Mention mention) => (reused ??= new Fields()).Fill(mention);

    [ThreadStatic]
    private static Fields? reused;

    public static Mention Read(Document document)
    {
        var json = document.GetBinaryValue(Json) ?? throw new InvalidDataException("an index document has no stored mention");
        return MentionJson.Deserialize(json.Bytes.AsSpan(json.Offset, json.Length));
    }

    /// <summary>
    /// One instance of every field a mention document carries. Lucene's Field documentation
    /// recommends reusing Field instances across documents: a reused keyword or numeric field
    /// keeps its token stream, where a new one builds an attribute source (reflection, dictionaries)
    /// per field per document, which was 7 % of the allocations of a million-mention load.
    /// </summary>
    private sealed class Fields
    {
        private readonly Keyword id = new(Id);
        private readonly StoredField json = new(Json, Array.Empty<byte>());
        private readonly TextField text = new(Text, string.Empty, Field.Store.NO);
        private readonly Keyword source = new(Source);
        private readonly Keyword author = new(Author);
        private readonly Keyword topic = new(Topic);
        private readonly Keyword sentiment = new(Sentiment);
        private readonly Keyword language = new(Language);
        private readonly StringField thread = new(Thread, string.Empty, Field.Store.NO);
        private readonly List<Keyword> watches = [];
        private readonly NumericDocValuesField publishedValue = new(Published, 0L);
        private readonly NumericDocValuesField reach = new(Reach, 0L);

        public Document Fill(Mention mention)
        {
            var document = new Document();
            id.AddTo(document, mention.Id);
            json.SetBytesValue(MentionJson.SerializeToUtf8Bytes(mention));
            document.Add(json);
            text.SetStringValue(mention.Title is { Length: > 0 } title ? title + "\n" + mention.Text : mention.Text);
            document.Add(text);
            AddIfPresent(source, mention.Source);
            AddIfPresent(author, mention.Author);
            AddIfPresent(topic, TopicKey(mention));
            AddIfPresent(sentiment, SentimentKey(mention));
            AddIfPresent(language, mention.Language);
            if (!string.IsNullOrEmpty(mention.ThreadId))
            {
                thread.SetStringValue(mention.ThreadId);
                document.Add(thread);
            }

            var watchCount = 0;
            foreach (var watch in mention.Watches.Distinct(StringComparer.Ordinal))
            {
                if (watchCount == watches.Count)
                {
                    watches.Add(new Keyword(Watch, multiValued: true));
                }

                watches[watchCount++].AddTo(document, watch);
            }

            // Publish time is a DocValues column only: range filters, sorts and retention's delete read it
            // through SegmentColumns. An indexed term would be one more near-unique term per document for
            // every flush and merge to sort and build a terms index over (decision 203).
            publishedValue.SetInt64Value(mention.PublishedAt.ToUnixTimeMilliseconds());
            reach.SetInt64Value(ReachOf(mention));
            document.Add(publishedValue);
            document.Add(reach);
            return document;

            void AddIfPresent(Keyword keyword, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    keyword.AddTo(document, value);
                }
            }
        }
    }

    /// <summary>
    /// A keyword field: its indexed term and its DocValues column (one value, or one of a set), both reused;
    /// the column reads the one <see cref="BytesRef"/> each value is copied into.
    /// </summary>
    private sealed class Keyword
    {
        private readonly BytesRef bytes = new();
        private readonly StringField term;
        private readonly Field value;

        public Keyword(string name, bool multiValued = false)
        {
            term = new StringField(name, string.Empty, Field.Store.NO);
            value = multiValued ? new SortedSetDocValuesField(name, bytes) : new SortedDocValuesField(name, bytes);
        }

        public void AddTo(Document document, string keyword)
        {
            term.SetStringValue(keyword);
            bytes.CopyChars(keyword);
            document.Add(term);
            document.Add(value);
        }
    }
}
