namespace SentimentWatch.Core.Watches;

/// <summary>
/// A brand or topic to follow: a boolean keyword query (see <see cref="WatchQuery"/>) and the
/// languages and sources it applies to.
/// </summary>
public sealed record Watch
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>e.g. <c>(星巴克 OR starbucks) AND (退款 OR refund OR "customer service") NOT 招聘</c>.</summary>
    public required string Query { get; init; }

    /// <summary>Languages to accept (<c>zh</c>, <c>en</c>); empty means all.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    /// <summary>Sources to accept; empty means all.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public bool Enabled { get; init; } = true;
}
