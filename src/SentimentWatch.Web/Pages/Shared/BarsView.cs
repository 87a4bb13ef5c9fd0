using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Web.Pages.Shared;

/// <summary>A ranked list with proportional bars (top topics, sources, authors).</summary>
public sealed record BarsView(IReadOnlyList<TermCount> Items, Func<string, string?>? Link, Func<string, string>? Label);
