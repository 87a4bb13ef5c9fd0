using System.Globalization;
using System.Text.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>The mapped field types the emulation implements (the ones the mention index maps).</summary>
internal enum MappedType
{
    Keyword,
    Text,
    Long,
    Date,
    DisabledObject,
}

internal sealed record FieldMapping(string Name, MappedType Type, Analyzer? Analyzer = null, bool EpochMillisFormat = false);

/// <summary>
/// An index's settings and mappings as the emulated node understands them: the documented
/// <c>analysis</c> section (custom analyzers from char filters, a tokenizer and token filters, all
/// of which are Lucene components inside Elasticsearch too), <c>dynamic</c>, and typed <c>properties</c>.
/// Anything outside the implemented subset is refused, never silently ignored.
/// </summary>
internal sealed partial class IndexDefinition
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private IndexDefinition(Dictionary<string, FieldMapping> fields, string dynamic, int shards, int replicas)
    {
        Fields = fields;
        Dynamic = dynamic;
        Shards = shards;
        Replicas = replicas;
        IndexAnalyzer = new PerFieldAnalyzerWrapper(
            new KeywordAnalyzer(),
            fields.Values.Where(f => f.Analyzer is not null).ToDictionary(f => f.Name, f => f.Analyzer!));
    }

    public IReadOnlyDictionary<string, FieldMapping> Fields { get; }

    /// <summary><c>true</c>, <c>false</c> or <c>strict</c>.</summary>
    public string Dynamic { get; }

    public int Shards { get; }

    public int Replicas { get; }

    /// <summary>Text fields analysed by their analyzer; everything else is indexed as one term.</summary>
    public Analyzer IndexAnalyzer { get; }

    public static IndexDefinition Empty { get; } = Create(null, null);

    /// <summary>Reads <c>settings</c> and <c>mappings</c> as an index-creation or template body holds them.</summary>
    public static IndexDefinition Create(JsonObject? settings, JsonObject? mappings)
    {
        var flat = Flatten(settings);
        var analyzers = Analyzers(flat.GetValueOrDefault("analysis") as JsonObject);
        var shards = IntSetting(flat, "number_of_shards", 1);
        var replicas = IntSetting(flat, "number_of_replicas", 1);

        var fields = new Dictionary<string, FieldMapping>(StringComparer.Ordinal);
        var dynamic = "true";
        foreach (var (key, value) in mappings ?? [])
        {
            switch (key)
            {
                case "dynamic":
                    dynamic = value?.ToString() switch
                    {
                        "true" or "True" => "true",
                        "false" or "False" => "false",
                        "strict" => "strict",
                        var other => throw ElasticsearchError.MapperParsing($"Could not convert [dynamic] to boolean or [strict], was [{other}]"),
                    };
                    break;
                case "properties":
                    AddProperties(fields, "", value as JsonObject ?? throw ElasticsearchError.MapperParsing("[properties] must be an object"), analyzers);
                    break;
                case "_meta":
                    break;
                default:
                    throw ElasticsearchError.MapperParsing($"Root mapping definition has unsupported parameters:  [{key} : {value?.ToJsonString()}]");
            }
        }

        return new IndexDefinition(fields, dynamic, shards, replicas);
    }

    private static Dictionary<string, JsonNode?> Flatten(JsonObject? settings)
    {
        var flat = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in settings ?? [])
        {
            if (key == "index" && value is JsonObject nested)
            {
                foreach (var (innerKey, innerValue) in nested)
                {
                    flat[innerKey] = innerValue;
                }
            }
            else
            {
                flat[key.StartsWith("index.", StringComparison.Ordinal) ? key["index.".Length..] : key] = value;
            }
        }

        foreach (var key in flat.Keys)
        {
            if (key is not ("analysis" or "number_of_shards" or "number_of_replicas" or "refresh_interval"))
            {
                throw ElasticsearchError.IllegalArgument($"unknown setting [index.{key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings");
            }
        }

        return flat;
    }

    private static int IntSetting(Dictionary<string, JsonNode?> settings, string name, int fallback) =>
        settings.TryGetValue(name, out var value) && value is not null
            ? int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 0
                ? number
                : throw ElasticsearchError.IllegalArgument($"Failed to parse value [{value}] for setting [index.{name}]")
            : fallback;

    private static void AddProperties(Dictionary<string, FieldMapping> fields, string prefix, JsonObject properties, IReadOnlyDictionary<string, Analyzer> analyzers)
    {
        foreach (var (name, node) in properties)
        {
            var path = prefix + name;
            var definition = node as JsonObject ?? throw ElasticsearchError.MapperParsing($"the mapping of [{path}] must be an object");
            var type = definition["type"]?.ToString() ?? "object";
            string[] allowed = type switch
            {
                "keyword" or "long" => ["type"],
                "text" => ["type", "analyzer", "search_analyzer"],
                "date" => ["type", "format"],
                "object" => ["type", "enabled", "properties"],
                "integer" or "short" or "byte" or "double" or "float" or "boolean" or "nested" or "ip" or "geo_point" or "flattened" or "wildcard" or "match_only_text"
                    => throw ElasticsearchError.NotEmulated($"the [{type}] field type (field [{path}])"),
                _ => throw ElasticsearchError.MapperParsing($"No handler for type [{type}] declared on field [{path}]"),
            };
            foreach (var parameter in definition.Select(p => p.Key))
            {
                if (!allowed.Contains(parameter))
                {
                    throw ElasticsearchError.MapperParsing($"unknown parameter [{parameter}] on mapper [{path}] of type [{type}]");
                }
            }

            switch (type)
            {
                case "keyword":
                    fields[path] = new FieldMapping(path, MappedType.Keyword);
                    break;
                case "long":
                    fields[path] = new FieldMapping(path, MappedType.Long);
                    break;
                case "text":
                    var analyzerName = definition["analyzer"]?.ToString() ?? "standard";
                    if (definition["search_analyzer"] is { } search && search.ToString() != analyzerName)
                    {
                        throw ElasticsearchError.NotEmulated("a search_analyzer other than the index analyzer");
                    }

                    fields[path] = new FieldMapping(path, MappedType.Text, analyzers.TryGetValue(analyzerName, out var analyzer)
                        ? analyzer
                        : throw ElasticsearchError.MapperParsing($"Failed to parse mapping: analyzer [{analyzerName}] has not been configured in mappings"));
                    break;
                case "date":
                    var format = definition["format"]?.ToString() ?? "strict_date_optional_time||epoch_millis";
                    fields[path] = format switch
                    {
                        "epoch_millis" => new FieldMapping(path, MappedType.Date, EpochMillisFormat: true),
                        "strict_date_optional_time||epoch_millis" or "strict_date_optional_time" => new FieldMapping(path, MappedType.Date),
                        _ => throw ElasticsearchError.NotEmulated($"the date format [{format}]"),
                    };
                    break;
                default:
                    if (definition["enabled"] is { } enabled && enabled.GetValueKind() == JsonValueKind.False)
                    {
                        fields[path] = new FieldMapping(path, MappedType.DisabledObject);
                    }
                    else
                    {
                        throw ElasticsearchError.NotEmulated($"an enabled object field ([{path}])");
                    }

                    break;
            }
        }
    }

    /// <summary>The built-in analyzers the emulation knows plus the custom ones of <c>analysis</c>.</summary>
    private static Dictionary<string, Analyzer> Analyzers(JsonObject? analysis)
    {
        var analyzers = new Dictionary<string, Analyzer>(StringComparer.Ordinal)
        {
            // The standard analyzer: standard tokenizer + lowercase, no stop words (Elasticsearch's default).
            ["standard"] = new StandardAnalyzer(Version, CharArraySet.Empty),
            ["keyword"] = new KeywordAnalyzer(),
            ["whitespace"] = new WhitespaceAnalyzer(Version),
            ["cjk"] = new CJKAnalyzer(Version),
        };
        if (analysis is null)
        {
            return analyzers;
        }

        foreach (var key in analysis.Select(p => p.Key))
        {
            if (key is not ("analyzer" or "filter" or "char_filter"))
            {
                throw ElasticsearchError.NotEmulated($"analysis.{key}");
            }
        }

        var customFilters = new Dictionary<string, Func<TokenStream, TokenStream>>(StringComparer.Ordinal);
        foreach (var (name, node) in analysis["filter"] as JsonObject ?? [])
        {
            customFilters[name] = CustomFilter(name, node as JsonObject ?? throw ElasticsearchError.IllegalArgument($"filter [{name}] must be an object"));
        }

        var customCharFilters = new Dictionary<string, Func<TextReader, TextReader>>(StringComparer.Ordinal);
        foreach (var (name, node) in analysis["char_filter"] as JsonObject ?? [])
        {
            customCharFilters[name] = CustomCharFilter(name, node as JsonObject ?? throw ElasticsearchError.IllegalArgument($"char_filter [{name}] must be an object"));
        }

        foreach (var (name, node) in analysis["analyzer"] as JsonObject ?? [])
        {
            var definition = node as JsonObject ?? throw ElasticsearchError.IllegalArgument($"analyzer [{name}] must be an object");
            foreach (var key in definition.Select(p => p.Key))
            {
                if (key is not ("type" or "tokenizer" or "filter" or "char_filter"))
                {
                    throw key is "position_increment_gap"
                        ? ElasticsearchError.NotEmulated($"analyzer setting [{key}]")
                        : ElasticsearchError.IllegalArgument($"unknown setting [index.analysis.analyzer.{name}.{key}] please check that any required plugins are installed");
                }
            }

            if (definition["type"]?.ToString() is { } type && type != "custom")
            {
                throw ElasticsearchError.NotEmulated($"analyzer type [{type}]");
            }

            Func<TextReader, Tokenizer> tokenizer = definition["tokenizer"]?.ToString() switch
            {
                "standard" => reader => new StandardTokenizer(Version, reader),
                "whitespace" => reader => new WhitespaceTokenizer(Version, reader),
                "keyword" => reader => new KeywordTokenizer(reader),
                null => throw ElasticsearchError.IllegalArgument($"analyzer [{name}] must specify either an analyzer type, or a tokenizer"),
                var other => throw ElasticsearchError.IllegalArgument($"Custom Analyzer [{name}] failed to find tokenizer under name [{other}]"),
            };
            IEnumerable<string> filterNames = definition["filter"] switch
            {
                JsonArray array => array.Select(f => f?.ToString() ?? ""),
                JsonValue single => [single.ToString()],
                _ => [],
            };
            var filters = filterNames.Select(filter => customFilters.TryGetValue(filter, out var custom) ? custom : BuiltInFilter(name, filter)).ToList();
            IEnumerable<string> charFilterNames = definition["char_filter"] switch
            {
                JsonArray array => array.Select(f => f?.ToString() ?? ""),
                JsonValue single => [single.ToString()],
                _ => [],
            };
            var charFilters = charFilterNames.Select(charFilter => customCharFilters.TryGetValue(charFilter, out var custom)
                ? custom
                : throw (charFilter is "html_strip"
                    ? ElasticsearchError.NotEmulated($"the built-in char filter [{charFilter}]")
                    : ElasticsearchError.IllegalArgument($"Custom Analyzer [{name}] failed to find char_filter under name [{charFilter}]"))).ToList();
            analyzers[name] = new ChainAnalyzer(charFilters, tokenizer, filters);
        }

        return analyzers;
    }

    private static Func<TokenStream, TokenStream> BuiltInFilter(string analyzer, string name) => name switch
    {
        "lowercase" => s => new LowerCaseFilter(Version, s),
        "cjk_width" => s => new CJKWidthFilter(s),
        "cjk_bigram" => s => new CJKBigramFilter(s),
        // The stop filter's documented default list is _english_, Lucene's English stop set.
        "stop" => s => new StopFilter(Version, s, EnglishAnalyzer.DefaultStopSet),
        "porter_stem" => s => new PorterStemFilter(s),
        "keyword_repeat" => s => new KeywordRepeatFilter(s),
        "remove_duplicates" => s => new RemoveDuplicatesTokenFilter(s),
        "asciifolding" => s => new ASCIIFoldingFilter(s),
        _ => throw ElasticsearchError.IllegalArgument($"Custom Analyzer [{analyzer}] failed to find filter under name [{name}]"),
    };

    private static Func<TokenStream, TokenStream> CustomFilter(string name, JsonObject definition)
    {
        var type = definition["type"]?.ToString() ?? throw ElasticsearchError.IllegalArgument($"token filter [{name}] must specify either an analyzer type, or a tokenizer");
        var settings = definition.Where(p => p.Key != "type").ToDictionary(p => p.Key, p => p.Value?.ToString());
        switch (type)
        {
            case "stemmer":
                var language = settings.GetValueOrDefault("language") ?? settings.GetValueOrDefault("name") ?? "english";
                if (settings.Keys.Any(k => k is not ("language" or "name")))
                {
                    throw ElasticsearchError.IllegalArgument($"unknown setting [index.analysis.filter.{name}.{settings.Keys.First(k => k is not ("language" or "name"))}]");
                }

                return language switch
                {
                    "possessive_english" => s => new EnglishPossessiveFilter(Version, s),
                    "english" or "porter" => s => new PorterStemFilter(s),
                    _ => throw ElasticsearchError.NotEmulated($"the [{language}] stemmer"),
                };
            case "stop" when settings.Count == 0 || (settings.Count == 1 && settings.GetValueOrDefault("stopwords") == "_english_"):
                return s => new StopFilter(Version, s, EnglishAnalyzer.DefaultStopSet);
            default:
                throw ElasticsearchError.NotEmulated($"token filter type [{type}] with settings [{string.Join(", ", settings.Keys)}]");
        }
    }

    /// <summary>
    /// The documented <c>mapping</c> char filter from a <c>mappings</c> list: rules <c>key => value</c>,
    /// longest key wins, read as Elasticsearch's MappingCharFilterFactory reads them (both sides
    /// trimmed, backslash escapes) into the same Lucene MappingCharFilter.
    /// </summary>
    private static Func<TextReader, TextReader> CustomCharFilter(string name, JsonObject definition)
    {
        var type = definition["type"]?.ToString() ?? throw ElasticsearchError.IllegalArgument($"char_filter [{name}] must specify either an analyzer type, or a tokenizer");
        var settings = definition.Where(p => p.Key != "type").Select(p => p.Key).ToList();
        if (type != "mapping" || settings.Any(key => key != "mappings"))
        {
            throw ElasticsearchError.NotEmulated($"char filter type [{type}] with settings [{string.Join(", ", settings)}]");
        }

        var rules = definition["mappings"] as JsonArray ?? throw ElasticsearchError.IllegalArgument("mapping requires either `mappings` or `mappings_path` to be configured");
        var builder = new NormalizeCharMap.Builder();
        foreach (var rule in rules.Select(r => r?.ToString() ?? ""))
        {
            var match = MappingRule().Match(rule);
            if (!match.Success)
            {
                throw ElasticsearchError.IllegalArgument($"Invalid Mapping Rule : [{rule}]");
            }

            var key = Unescape(match.Groups[1].Value.Trim());
            if (key.Length == 0)
            {
                throw ElasticsearchError.IllegalArgument($"Illegal mapping rule: [{rule}]. Empty keys are not allowed");
            }

            builder.Add(key, Unescape(match.Groups[2].Value.Trim()));
        }

        var map = builder.Build();
        return reader => new MappingCharFilter(map, reader);
    }

    [GeneratedRegex(@"^(.*)\s*=>\s*(.*)\s*$", RegexOptions.Singleline)]
    private static partial Regex MappingRule();

    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                result.Append(c);
                continue;
            }

            c = text[++i];
            switch (c)
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'u' when i + 4 < text.Length:
                    result.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();
    }

    /// <summary>A custom analyzer: char filters, a tokenizer and a list of token filters, in order.</summary>
    internal sealed class ChainAnalyzer(IReadOnlyList<Func<TextReader, TextReader>> charFilters, Func<TextReader, Tokenizer> tokenizer, IReadOnlyList<Func<TokenStream, TokenStream>> filters) : Analyzer
    {
        /// <summary>The text through the char filters alone, as Elasticsearch normalises wildcard terms.</summary>
        public string ApplyCharFilters(string text)
        {
            using var reader = InitReader(string.Empty, new StringReader(text));
            // Not ReadToEnd: Lucene char filters end with -1 (Java's convention), not 0.
            var result = new StringBuilder(text.Length);
            var buffer = new char[256];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                result.Append(buffer, 0, read);
            }

            return result.ToString();
        }

        protected override TextReader InitReader(string fieldName, TextReader reader)
        {
            foreach (var charFilter in charFilters)
            {
                reader = charFilter(reader);
            }

            return reader;
        }

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = tokenizer(reader);
            TokenStream stream = source;
            foreach (var filter in filters)
            {
                stream = filter(stream);
            }

            return new TokenStreamComponents(source, stream);
        }

        /// <summary>Elasticsearch's documented default gap between the values of a multi-valued text field.</summary>
        public override int GetPositionIncrementGap(string fieldName) => 100;
    }
}
