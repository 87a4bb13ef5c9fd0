using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// What the console calls a watch where a person reads it: its display name ("Lumo Coffee / 绿莫咖啡"), the id when
/// none is configured. Every page asks here (views inject it as <c>Names</c>), so no page names it its own way.
/// </summary>
public sealed class DisplayNames(IServiceProvider services)
{
    // Optional: a host without alerting has no catalog of watch names, and its pages show ids.
    private readonly WatchNames? _watches = services.GetService<WatchNames>();

    public string Watch(string watchId) => _watches?.Of(watchId) ?? watchId;
}
