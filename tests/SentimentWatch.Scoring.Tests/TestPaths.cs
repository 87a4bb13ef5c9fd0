namespace SentimentWatch.Scoring.Tests;

internal static class TestPaths
{
    public static string Models => Path.Combine(AppContext.BaseDirectory, "models");

    public static string Posts => Path.Combine(AppContext.BaseDirectory, "Data", "posts.tsv");

    public static string TopicCheck => Path.Combine(AppContext.BaseDirectory, "Data", "topic-check.tsv");

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "sw-scoring-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
