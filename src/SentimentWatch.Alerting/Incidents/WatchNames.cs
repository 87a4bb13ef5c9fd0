using SentimentWatch.Core.Pipeline;

namespace SentimentWatch.Alerting;

/// <summary>
/// A watch's display name ("Lumo Coffee / 绿莫咖啡") for messages, from the watch catalog when
/// the host has one (the pipeline registers it); the id otherwise.
/// </summary>
public sealed class WatchNames(IEnumerable<IWatchCatalog> catalogs)
{
    private readonly IWatchCatalog[] _catalogs = catalogs.ToArray();

    public string Of(string watchId)
    {
        if (watchId == CrisisRule.SourcesWatch)
        {
            return "Sources";
        }

        foreach (var catalog in _catalogs)
        {
            var watch = catalog.Watches.FirstOrDefault(w => string.Equals(w.Id, watchId, StringComparison.OrdinalIgnoreCase));
            if (watch is not null && !string.IsNullOrWhiteSpace(watch.Name))
            {
                return watch.Name.Trim();
            }
        }

        return watchId;
    }

    /// <summary>Words of the watch's name and query (brand names) that say nothing as top terms.</summary>
    public IReadOnlyCollection<string> TermsOf(string watchId)
    {
        var terms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var catalog in _catalogs)
        {
            foreach (var watch in catalog.Watches.Where(w => string.Equals(w.Id, watchId, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var part in $"{watch.Id} {watch.Name} {watch.Query}".Split([' ', '/', '(', ')', '"', '*', '-', '_', ',', '|', '、', '：', ':'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (part is not ("AND" or "OR" or "NOT"))
                    {
                        terms.Add(part.ToLowerInvariant());
                    }
                }
            }
        }

        terms.Add(watchId.ToLowerInvariant());
        return terms;
    }
}
