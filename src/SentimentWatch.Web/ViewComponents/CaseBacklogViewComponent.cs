using Microsoft.AspNetCore.Mvc;

namespace SentimentWatch.Web.ViewComponents;

/// <summary>The overview's case backlog; empty in a host without the cases capability.</summary>
public sealed class CaseBacklogViewComponent(ConsoleFeatures features) : ViewComponent
{
    public IViewComponentResult Invoke() => features.Cases ? Content(string.Empty) : Content(string.Empty);
}
