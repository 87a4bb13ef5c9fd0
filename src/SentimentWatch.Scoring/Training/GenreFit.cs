using System.Globalization;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// Fits a genre's neutral bias, polar shift and cue shift for one language on a labelled file of that genre's posts (decision 214): every
/// setting of a fixed grid serves the posts through the real scorer (<see cref="ModelScorer.ScoreOne"/>, the same path as the service), and
/// the one with the best mean of negative-detection balanced accuracy and 3-class macro-F1 wins; ties go to the smaller shift, then the
/// smaller cue shift, then the bias nearer the language's social bias (the smallest change that serves as well).
/// </summary>
public static class GenreFit
{
    /// <summary>The neutral biases tried.</summary>
    public static readonly IReadOnlyList<float> Biases = Grid(-2f, 1.5f);

    /// <summary>The polar shifts tried (0 = none, negative = towards negative).</summary>
    public static readonly IReadOnlyList<float> Shifts = Grid(-3f, 0f);

    /// <summary>The cue shifts tried (times log(1 + complaint-cue strength), off the polar and neutral logits).</summary>
    public static readonly IReadOnlyList<float> CueShifts = [0f, 0.5f, 1f, 1.5f, 2f];

    /// <summary>One labelled post of the genre.</summary>
    public sealed record Post(string Text, SentimentLabel Label);

    /// <summary>The figures of one pair on the posts.</summary>
    public sealed record Figures(float Bias, float Shift, float Cue, double BalancedAccuracy, double MacroF1)
    {
        public double Score => (BalancedAccuracy + MacroF1) / 2;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"bias {Bias:+0.00;-0.00}, shift {Shift:+0.00;-0.00}, cue {Cue:0.00}: BA {BalancedAccuracy:F3}, macro-F1 {MacroF1:F3}, mean {Score:F3}");
    }

    /// <summary>The fit: the chosen pair, the social serving's figures on the same posts, and the whole grid.</summary>
    public sealed record Result(Figures Chosen, Figures Social, IReadOnlyList<Figures> Grid);

    /// <summary>Serves <paramref name="posts"/> (all of <paramref name="language"/>) as <paramref name="genre"/> with every pair of the grid.</summary>
    /// <param name="progress">Told after each cue shift's settings are served (a fit over a few thousand posts takes about a minute).</param>
    public static Result Fit(SentimentModel model, TopicModel topic, string genre, string language, IReadOnlyList<Post> posts, Action<string>? progress = null)
    {
        if (model.Manifest.NeutralHead is not { } head)
        {
            throw new InvalidOperationException($"--model: {model.Manifest.Version} has no neutral head; a genre's bias needs a sentiment v2 model (train-sentiment).");
        }

        if (genre == SourceGenres.Social)
        {
            throw new InvalidOperationException("--genre: social is what the model serves without a genre; name another genre (" + string.Join(", ", SourceGenres.All.Skip(1)) + ").");
        }

        if (posts.Count == 0)
        {
            throw new InvalidOperationException($"--data: no labelled {language} posts to fit on.");
        }

        var social = Measure(new ModelScorer(model, topic, [], null, 0f), null, posts, head.BiasFor(language), 0f, 0f);
        var grid = new List<Figures>();
        foreach (var cue in CueShifts)
        {
            foreach (var shift in Shifts)
            {
                foreach (var bias in Biases)
                {
                    var candidate = model.WithManifest(model.Manifest with { NeutralHead = head.WithGenre(genre, language, bias, shift, cue) });
                    grid.Add(Measure(new ModelScorer(candidate, topic, [], null, 0f), genre, posts, bias, shift, cue));
                }
            }

            progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{grid.Count} of {Biases.Count * Shifts.Count * CueShifts.Count} settings served; best so far {grid.MaxBy(g => g.Score)}"));
        }

        var socialBias = head.BiasFor(language);
        var best = grid.Max(g => g.Score);
        var chosen = grid.Where(g => g.Score >= best - 1e-9)
            .OrderBy(g => Math.Abs(g.Shift))
            .ThenBy(g => g.Cue)
            .ThenBy(g => Math.Abs(g.Bias - socialBias))
            .First();
        return new Result(chosen, social, grid);
    }

    private static Figures Measure(ModelScorer scorer, string? genre, IReadOnlyList<Post> posts, float bias, float shift, float cue)
    {
        var actual = new List<string>(posts.Count);
        var served = new List<string>(posts.Count);
        foreach (var post in posts)
        {
            actual.Add(SentimentScore.ToWire(post.Label));
            served.Add(SentimentScore.ToWire(scorer.ScoreOne(post.Text, genre).Sentiment.Label));
        }

        var classes = actual.Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        return new Figures(
            bias,
            shift,
            cue,
            Metrics.BalancedAccuracy(actual.Select(a => a == "negative").ToList(), served.Select(s => s == "negative").ToList()),
            Metrics.MacroF1(actual, served, classes));
    }

    private static List<float> Grid(float from, float to)
    {
        var values = new List<float>();
        for (var v = from; v <= to + 0.001f; v += 0.25f)
        {
            values.Add(MathF.Round(v, 2));
        }

        return values;
    }
}
