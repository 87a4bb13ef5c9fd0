using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Storage;
using SentimentWatch.Indexing.Elasticsearch;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing;

public static class IndexingExtensions
{
    /// <summary>Configuration key of the folder all embedded state lives under.</summary>
    public const string DataDirectoryKey = "Storage:DataDirectory";

    /// <summary>
    /// Registers the mention index chosen by <c>Index:Provider</c> as the one <see cref="IMentionIndex"/>,
    /// validated at start-up, plus the retention sweep when <c>Index:Retention</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddIndexing(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<IndexOptions>()
            .BindConfiguration(IndexOptions.SectionName)
            .PostConfigure(options => options.Directory = ResolveDirectory(options.Directory, configuration))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IndexOptions>, IndexOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        // The DI container disposes singletons at shutdown: Lucene commits and releases write.lock then.
        builder.Services.AddSingleton<IMentionIndex>(services =>
        {
            var options = services.GetRequiredService<IOptions<IndexOptions>>().Value;
            if (string.Equals(options.Provider, IndexOptions.ElasticsearchProvider, StringComparison.OrdinalIgnoreCase))
            {
                return new ElasticsearchMentionIndex(
                    options.Elasticsearch,
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<ElasticsearchMentionIndex>>());
            }

            return new LuceneMentionIndex(options.Directory!, services.GetRequiredService<ILogger<LuceneMentionIndex>>());
        });
        builder.Services.AddHostedService<IndexStartupCheck>();

        // One sweep per deployment is enough: it runs beside the pipeline (Worker:Roles).
        if (builder.Runs(WorkerRoles.Pipeline))
        {
            builder.Services.AddHostedService<IndexRetentionService>();
        }

        return builder;
    }

    /// <summary>The configured index folder, else <c>&lt;data dir&gt;/index</c>, as an absolute path.</summary>
    public static string ResolveDirectory(string? configured, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var dataDirectory = configuration[DataDirectoryKey];
        return Path.GetFullPath(Path.Combine(string.IsNullOrWhiteSpace(dataDirectory) ? "./data" : dataDirectory, "index"));
    }
}
