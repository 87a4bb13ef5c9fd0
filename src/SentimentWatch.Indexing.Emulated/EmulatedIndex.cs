using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// One index of the emulated node: an in-memory Lucene index (one shard) laid out from the
/// index's mappings, with Elasticsearch's refresh semantics — writes become searchable only at
/// a refresh (<c>?refresh</c>, <c>_refresh</c>, or the one-second refresh interval).
/// </summary>
internal sealed class EmulatedIndex : IDisposable
{
    public const string IdField = "_id";
    public const string SourceField = "_source";

    private readonly RAMDirectory directory = new();
    private readonly IndexWriter writer;
    private readonly Dictionary<string, long> versions = new(StringComparer.Ordinal);
    private DirectoryReader reader;
    private long sequence = -1;

    public EmulatedIndex(string name, IndexDefinition definition, IEnumerable<string> aliases)
    {
        Name = name;
        Definition = definition;
        Aliases = [.. aliases];
        writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, definition.IndexAnalyzer) { Similarity = new BM25Similarity() });
        writer.Commit();
        reader = DirectoryReader.Open(writer, applyAllDeletes: true);
    }

    public string Name { get; }

    public string Uuid { get; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..22].Replace('+', '-').Replace('/', '_');

    public IndexDefinition Definition { get; }

    public HashSet<string> Aliases { get; }

    /// <summary>Documents visible to search (as of the last refresh).</summary>
    public int SearchableCount => reader.NumDocs;

    public bool HasUnrefreshedChanges { get; private set; }

    /// <summary>
    /// Indexes (or replaces) a document; what Elasticsearch's index API does to one shard.
    /// Throws the per-item error a bulk response reports when the source does not fit the mappings.
    /// </summary>
    public (long Version, long SequenceNumber, bool Created) Index(string id, JsonObject source, bool createOnly)
    {
        var exists = versions.TryGetValue(id, out var version);
        if (exists && createOnly)
        {
            throw new ElasticsearchError(409, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [{version}])", new JsonObject { ["index_uuid"] = Uuid, ["shard"] = "0", ["index"] = Name });
        }

        var document = new Document
        {
            new StringField(IdField, id, Field.Store.YES),
            new StoredField(SourceField, source.ToJsonString()),
        };
        AddFields(document, id, "", source);
        writer.UpdateDocument(new Term(IdField, id), document);
        versions[id] = version + 1;
        HasUnrefreshedChanges = true;
        return (version + 1, ++sequence, !exists);
    }

    public bool Delete(string id)
    {
        if (!versions.Remove(id))
        {
            return false;
        }

        writer.DeleteDocuments(new Term(IdField, id));
        sequence++;
        HasUnrefreshedChanges = true;
        return true;
    }

    public void Refresh()
    {
        if (DirectoryReader.OpenIfChanged(reader, writer, applyAllDeletes: true) is { } newer)
        {
            reader.Dispose();
            reader = newer;
        }

        HasUnrefreshedChanges = false;
    }

    /// <summary>Every searchable document matching <paramref name="query"/>, scored with BM25 (Elasticsearch's default similarity).</summary>
    public IEnumerable<StoredHit> Search(Query query)
    {
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        foreach (var hit in searcher.Search(query, Math.Max(1, reader.MaxDoc)).ScoreDocs)
        {
            var stored = searcher.Doc(hit.Doc);
            yield return new StoredHit(this, stored.Get(IdField), hit.Score, JsonNode.Parse(stored.Get(SourceField))!.AsObject());
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        writer.Dispose();
        directory.Dispose();
    }

    /// <summary>The values a mapped field holds in a source document (arrays flattened), as the field type reads them.</summary>
    public static IEnumerable<object> Values(FieldMapping field, JsonObject source)
    {
        JsonNode? node = source;
        foreach (var part in field.Name.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        List<JsonNode?> values = node is JsonArray array ? [.. array] : [node];
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            yield return field.Type switch
            {
                MappedType.Long or MappedType.Date => (object)Numeric(field, value, "_na_"),
                _ => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
            };
        }
    }

    /// <summary>A long or a date (epoch milliseconds) as Elasticsearch parses it from a document or a query.</summary>
    public static long Numeric(FieldMapping field, JsonNode value, string id)
    {
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (field.Type == MappedType.Date && !field.EpochMillisFormat
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date.ToUnixTimeMilliseconds();
        }

        var type = field.Type == MappedType.Date ? "date" : "long";
        throw new ElasticsearchError(400, "document_parsing_exception", $"failed to parse field [{field.Name}] of type [{type}] in document with id '{id}'. Preview of field's value: '{text}'");
    }

    private void AddFields(Document document, string id, string prefix, JsonObject source)
    {
        foreach (var (name, value) in source)
        {
            var path = prefix + name;
            if (!Definition.Fields.TryGetValue(path, out var field))
            {
                switch (Definition.Dynamic)
                {
                    case "strict":
                        throw new ElasticsearchError(400, "strict_dynamic_mapping_exception", $"mapping set to strict, dynamic introduction of [{name}] within [{(prefix.Length == 0 ? "_doc" : prefix.TrimEnd('.'))}] is not allowed");
                    case "false":
                        continue;
                    default:
                        throw ElasticsearchError.NotEmulated($"dynamic mapping of the new field [{path}]");
                }
            }

            if (field.Type == MappedType.DisabledObject)
            {
                if (value is not (JsonObject or null))
                {
                    throw new ElasticsearchError(400, "document_parsing_exception", $"object mapping for [{path}] tried to parse field [{path}] as object, but found a concrete value");
                }

                continue;
            }

            List<JsonNode?> items = value is JsonArray array ? [.. array] : [value];
            foreach (var item in items)
            {
                if (item is null)
                {
                    continue;
                }

                if (item is JsonObject or JsonArray)
                {
                    throw new ElasticsearchError(400, "document_parsing_exception", $"failed to parse field [{path}] of type [{field.Type.ToString().ToLowerInvariant()}] in document with id '{id}'. Preview of field's value: '{item.ToJsonString()}'");
                }

                switch (field.Type)
                {
                    case MappedType.Keyword:
                        document.Add(new StringField(path, item.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item.ToJsonString(), Field.Store.NO));
                        break;
                    case MappedType.Text:
                        document.Add(new TextField(path, item.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item.ToJsonString(), Field.Store.NO));
                        break;
                    default:
                        document.Add(new Int64Field(path, Numeric(field, item, id), Field.Store.NO));
                        break;
                }
            }
        }
    }
}

/// <summary>A matching document of one index, its score and its stored source.</summary>
internal sealed record StoredHit(EmulatedIndex Index, string Id, float Score, JsonObject Source);
