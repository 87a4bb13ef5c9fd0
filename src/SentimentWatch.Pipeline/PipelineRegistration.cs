using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Storage;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Pipeline;

public static class PipelineRegistration
{
    /// <summary>
    /// The mention pipeline, the watch catalogue, the replay intake and the re-scorer. Until a
    /// scoring model is registered, mentions are stored unscored.
    /// </summary>
    public static IHostApplicationBuilder AddMentionPipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());

        // "Watches" is a plain array at the root of the configuration, so it is bound by hand.
        var watches = builder.Configuration.GetSection(WatchCatalogOptions.SectionName);
        services.AddOptions<WatchCatalogOptions>().Configure(o => watches.Bind(o.Watches)).ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<WatchCatalogOptions>>(new ConfigurationChangeTokenSource<WatchCatalogOptions>(watches));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchCatalogOptions>, WatchCatalogOptionsValidator>());
        services.AddSingleton<ConfiguredWatchCatalog>();
        services.AddSingleton<IWatchCatalog>(sp => sp.GetRequiredService<ConfiguredWatchCatalog>());

        services.AddOptions<ReplayOptions>().BindConfiguration(ReplayOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReplayOptions>, ReplayOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMentionScorer, UnscoredMentionScorer>();
        services.AddSingleton<PipelineStatus>();
        services.TryAddSingleton<PipelineMetrics>();

        // The background work runs on pipeline workers only (Worker:Roles); the others keep the
        // catalogue and status for the API.
        if (builder.Runs(WorkerRoles.Pipeline))
        {
            services.AddHostedService<MentionPipeline>();
            services.AddHostedService<MentionRescorer>();
            services.AddHostedService<ReplayIntake>();
        }

        return builder;
    }
}
