namespace SentimentWatch.Indexing;

/// <summary>A paging cursor this index did not issue, or issued for another sort order; the API answers 400.</summary>
public sealed class InvalidCursorException(string message, Exception? inner = null) : ArgumentException(message, inner);
