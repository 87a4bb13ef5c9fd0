namespace SentimentWatch.Scoring.Tests;

/// <summary>
/// A test that reads the training corpus (../shared/data beside the repository, or
/// SENTIMENTWATCH_DATA). Where it is absent (a plain clone, CI with the SDK alone) the test is
/// reported as skipped with that reason, never as a pass and never as a failure of the code.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute() => Skip = CorpusAbsence.Reason();
}

/// <summary>As <see cref="CorpusFactAttribute"/>, for a theory: skipped with the same reason where the corpus is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute() => Skip = CorpusAbsence.Reason();
}

internal static class CorpusAbsence
{
    /// <summary>Null when the corpus is there; otherwise why a test that needs it is skipped.</summary>
    public static string? Reason()
    {
        try
        {
            _ = TestPaths.Corpus;
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return "needs the training corpus: put it in ../shared/data next to the repository or set SENTIMENTWATCH_DATA";
        }
    }
}
