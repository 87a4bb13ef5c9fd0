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

    /// <summary>Precision step of the indexed publish time: full precision only (see <see cref="Create"/>).</summary>
    public const int PublishedPrecisionStep = int.MaxValue;

    private static readonly FieldType PublishedType = CreatePublishedType();

    /// <summary>The sentiment keyword filters and stats read: an analyst's correction wins over the model (decision 160).</summary>
    public static string SentimentKey(Mention mention) =>
        mention.LabelledSentiment is { } label ? SentimentScore.ToWire(label) : Unscored;

    /// <summary>The topic keyword filters and stats read: an analyst's correction wins over the model (decision 160).</summary>
    public static string? TopicKey(Mention mention) => mention.LabelledTopic;

    public static long ReachOf(Mention mention) => mention.Engagement.Total;

    public static Document Create(Mention mention)
    {
        var document = new Document
        {
            new StringField(Id, mention.Id, Field.Store.NO),
            new SortedDocValuesField(Id, new BytesRef(mention.Id)),
            new StoredField(Json, MentionJson.SerializeToUtf8Bytes(mention)),
            new TextField(Text, mention.Title is { Length: > 0 } title ? title + "\n" + mention.Text : mention.Text, Field.Store.NO),
        };
        AddKeyword(document, Source, mention.Source);
        AddKeyword(document, Author, mention.Author);
        AddKeyword(document, Topic, TopicKey(mention));
        AddKeyword(document, Sentiment, SentimentKey(mention));
        AddKeyword(document, Language, mention.Language);
        if (!string.IsNullOrEmpty(mention.ThreadId))
        {
            document.Add(new StringField(Thread, mention.ThreadId, Field.Store.NO));
        }

        foreach (var watch in mention.Watches.Distinct(StringComparer.Ordinal))
        {
            document.Add(new StringField(Watch, watch, Field.Store.NO));
            document.Add(new SortedSetDocValuesField(Watch, new BytesRef(watch)));
        }

        // Range filters and sorts read the DocValues (via SegmentColumns); the indexed term is only
        // for retention's delete-by-query, so one full-precision term instead of Lucene's 16 trie terms.
        var published = mention.PublishedAt.ToUnixTimeMilliseconds();
        document.Add(new Int64Field(Published, published, PublishedType));
        document.Add(new NumericDocValuesField(Published, published));
        document.Add(new NumericDocValuesField(Reach, ReachOf(mention)));
        return document;
    }

    public static Mention Read(Document document)
    {
        var json = document.GetBinaryValue(Json) ?? throw new InvalidDataException("an index document has no stored mention");
        return MentionJson.Deserialize(json.Bytes.AsSpan(json.Offset, json.Length));
    }

    private static FieldType CreatePublishedType()
    {
        var type = new FieldType(Int64Field.TYPE_NOT_STORED) { NumericPrecisionStep = PublishedPrecisionStep };
        type.Freeze();
        return type;
    }

    private static void AddKeyword(Document document, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        document.Add(new StringField(field, value, Field.Store.NO));
        document.Add(new SortedDocValuesField(field, new BytesRef(value)));
    }
}
