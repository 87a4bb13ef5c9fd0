namespace SentimentWatch.Text.Tests;

internal static class TestPaths
{
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
                if (Directory.Exists(Path.Combine(candidate, "sentiment-zh-reviews")))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            throw new DirectoryNotFoundException("Training data not found: put it in ../shared/data next to the repository or set SENTIMENTWATCH_DATA.");
        }
    }
}
