using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Pages.Shared;

/// <summary>One chart on a page: a canvas labelled for screen readers and its data.</summary>
public sealed record ChartView(string Id, ChartSpec Spec, string Description, string? TestId = null, string? CssClass = null);
