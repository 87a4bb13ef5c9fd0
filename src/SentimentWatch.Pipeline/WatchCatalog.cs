using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Watches;

namespace SentimentWatch.Pipeline;

/// <summary>Watches as configured: <c>"Watches": [ { "Id", "Name", "Query", "Languages", "Sources" } ]</c>.</summary>
public sealed class WatchCatalogOptions
{
    public const string SectionName = "Watches";

    public List<WatchDefinition> Watches { get; set; } = [];
}

public sealed class WatchDefinition
{
    public string Id { get; set; } = string.Empty;
    public string? Name { get; set; }
    public string Query { get; set; } = string.Empty;
    public List<string> Languages { get; set; } = [];
    public List<string> Sources { get; set; } = [];
    public bool Enabled { get; set; } = true;
}

public sealed class WatchCatalogOptionsValidator : IValidateOptions<WatchCatalogOptions>
{
    private static readonly HashSet<string> KnownLanguages = [LanguageDetector.Chinese, LanguageDetector.English, LanguageDetector.Mixed, LanguageDetector.Undetermined];

    public ValidateOptionsResult Validate(string? name, WatchCatalogOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Watches.Count; i++)
        {
            var w = options.Watches[i];
            var at = $"{WatchCatalogOptions.SectionName}:{i}";
            if (string.IsNullOrWhiteSpace(w.Id) || !w.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"{at}:Id must be a slug of letters, digits, '-' or '_' (was '{w.Id}')");
            }
            else if (!seen.Add(w.Id))
            {
                failures.Add($"{at}:Id '{w.Id}' is used by another watch");
            }

            if (!WatchQuery.TryParse(w.Query, out _, out var error))
            {
                failures.Add($"{at}:Query '{w.Query}' is not a valid watch query: {error}");
            }

            foreach (var language in w.Languages.Where(l => !KnownLanguages.Contains(l)))
            {
                failures.Add($"{at}:Languages: '{language}' is not one of zh, en, mixed, und");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The watches from configuration, compiled once and recompiled when configuration changes.</summary>
public sealed class ConfiguredWatchCatalog : IWatchCatalog, IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile CompiledWatches _compiled;

    public ConfiguredWatchCatalog(IOptionsMonitor<WatchCatalogOptions> options)
    {
        _compiled = Compile(options.CurrentValue);
        _subscription = options.OnChange(o =>
        {
            // A bad edit at run time keeps the last good watches rather than dropping them all.
            if (new WatchCatalogOptionsValidator().Validate(null, o).Succeeded)
            {
                _compiled = Compile(o);
            }
        });
    }

    public IReadOnlyList<Watch> Watches => _compiled.Watches;

    /// <summary>Ids of the enabled watches that accept this mention.</summary>
    public IReadOnlyList<string> Match(Mention mention)
    {
        var compiled = _compiled;
        var text = string.IsNullOrEmpty(mention.Title) ? mention.Text : mention.Title + "\n" + mention.Text;
        var matches = new List<string>();
        for (var i = 0; i < compiled.Watches.Count; i++)
        {
            var watch = compiled.Watches[i];
            if (!watch.Enabled
                || (watch.Languages.Count > 0 && !watch.Languages.Contains(mention.Language))
                || (watch.Sources.Count > 0 && !watch.Sources.Contains(mention.Source)))
            {
                continue;
            }

            if (compiled.Queries[i].Matches(text))
            {
                matches.Add(watch.Id);
            }
        }

        return matches;
    }

    public void Dispose() => _subscription?.Dispose();

    private static CompiledWatches Compile(WatchCatalogOptions options)
    {
        var watches = options.Watches.Select(d => new Watch
        {
            Id = d.Id,
            Name = d.Name ?? d.Id,
            Query = d.Query,
            Languages = d.Languages,
            Sources = d.Sources,
            Enabled = d.Enabled,
        }).ToList();
        return new CompiledWatches(watches, watches.Select(w => WatchQuery.Parse(w.Query)).ToList());
    }

    private sealed record CompiledWatches(IReadOnlyList<Watch> Watches, IReadOnlyList<WatchQuery> Queries);
}
