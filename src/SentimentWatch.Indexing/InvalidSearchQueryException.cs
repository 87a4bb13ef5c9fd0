namespace SentimentWatch.Indexing;

/// <summary>A search query neither engine can read; <see cref="Reason"/> says what to fix (see <see cref="SearchQuerySyntax"/>).</summary>
public sealed class InvalidSearchQueryException(string reason, Exception? inner = null) : ArgumentException(reason, "q", inner)
{
    public string Reason { get; } = reason;
}
