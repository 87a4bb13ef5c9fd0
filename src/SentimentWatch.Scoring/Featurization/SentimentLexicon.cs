using System.Globalization;
using System.Reflection;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Term polarities (-1..1) from the AFINN, VADER, emoji-ranking and Chinese word lists shipped
/// as embedded resources (see Lexicon/README.md for sources and licences).
/// </summary>
public sealed class SentimentLexicon
{
    private readonly Dictionary<string, float> _terms;
    private readonly Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<string> _cjkPrefixes;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _cjkPrefixLookup;

    public SentimentLexicon(IEnumerable<KeyValuePair<string, float>> terms)
    {
        _terms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (term, polarity) in terms)
        {
            _terms[term] = polarity;
        }

        _lookup = _terms.GetAlternateLookup<ReadOnlySpan<char>>();
        _cjkPrefixes = _terms.Keys.Where(k => k.Length >= 2 && Core.Mentions.TextNormalizer.IsCjk(k[0])).Select(k => k[..2]).ToHashSet(StringComparer.Ordinal);
        _cjkPrefixLookup = _cjkPrefixes.GetAlternateLookup<ReadOnlySpan<char>>();
        MaxCjkTermLength = _terms.Keys.Where(k => k.Length > 0 && Core.Mentions.TextNormalizer.IsCjk(k[0]))
            .Select(k => k.Length).DefaultIfEmpty(1).Max();
    }

    /// <summary>The lexicon the models are trained and served with.</summary>
    public static SentimentLexicon Shipped { get; } = LoadShipped();

    /// <summary><see cref="Shipped"/> plus Lexicon/zh-web.tsv (bracket emoticons, web slang), for featurizers with <see cref="FeaturizerSettings.WebLexicon"/>.</summary>
    public static SentimentLexicon ShippedWeb { get; } = LoadShipped("zh-web.tsv");

    /// <summary>The lexicon a featurizer with these settings was trained with.</summary>
    public static SentimentLexicon For(FeaturizerSettings settings)
    {
        var glove = settings is { GloveLexicon: true, GloveSlots: false };
        if (!glove && !settings.EnglishSocialLexicon)
        {
            return settings.WebLexicon ? ShippedWeb : Shipped;
        }

        // Later lists override earlier ones: the hand-written English list wins over the GloVe projection.
        return Expanded.GetOrAdd(
            (settings.WebLexicon, glove ? settings.GloveScale : 0f, settings.EnglishSocialLexicon),
            key => LoadShipped(key.GloveScale, [.. key.Web ? ["zh-web.tsv"] : Array.Empty<string>(), .. key.GloveScale > 0 ? ["en-glove.tsv"] : Array.Empty<string>(), .. key.Social ? ["en-social.tsv"] : Array.Empty<string>()]));
    }

    /// <summary>Lexicon/en-glove.tsv alone, for featurizers with <see cref="FeaturizerSettings.GloveSlots"/>.</summary>
    public static SentimentLexicon Glove => GloveOnly.Value;

    private static readonly Lazy<SentimentLexicon> GloveOnly = new(() => new(ReadResource("en-glove.tsv")));

    // Lexicons with the GloVe and / or English social lists merged in, one per combination a loaded model asks for (GloveScale 0 = no GloVe list).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(bool Web, float GloveScale, bool Social), SentimentLexicon> Expanded = new();

    public int Count => _terms.Count;

    /// <summary>The longest Chinese term, bounding the longest-match scan.</summary>
    public int MaxCjkTermLength { get; }

    public bool TryGet(ReadOnlySpan<char> term, out float polarity) => _lookup.TryGetValue(term, out polarity);

    /// <summary>Whether some Chinese term of two or more characters starts with these two characters: skips most longest-match probes.</summary>
    public bool StartsCjkTerm(ReadOnlySpan<char> firstTwo) => _cjkPrefixLookup.Contains(firstTwo);

    private static SentimentLexicon LoadShipped(params string[] extra) => LoadShipped(1f, extra);

    private static SentimentLexicon LoadShipped(float gloveScale, string[] extra)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        // Order matters: the hand-written Chinese social list overrides the machine-translated one.
        foreach (var resource in new[] { "sentiment-lexicon.tsv", "zh-social.tsv" }.Concat(extra))
        {
            var scale = resource == "en-glove.tsv" ? gloveScale : 1f;
            foreach (var (term, polarity) in ReadResource(resource))
            {
                terms[Core.Mentions.TextNormalizer.Fold(term)] = scale * polarity;
            }
        }

        return new SentimentLexicon(terms);
    }

    /// <summary>
    /// The (term, value) rows of a tab-separated list embedded from Lexicon/ ('#' lines are comments),
    /// terms as written; the sentiment lexicon, the complaint cues and the web lexicon all read this way.
    /// </summary>
    internal static List<KeyValuePair<string, float>> ReadResource(string name)
    {
        var assembly = typeof(SentimentLexicon).GetTypeInfo().Assembly;
        using var stream = assembly.GetManifestResourceStream("SentimentWatch.Scoring.Lexicon." + name)
            ?? throw new InvalidOperationException($"Embedded list '{name}' is missing from the Scoring assembly.");
        using var reader = new StreamReader(stream);
        var result = new List<KeyValuePair<string, float>>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length >= 2 && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                result.Add(new(parts[0], value));
            }
        }

        return result;
    }
}
