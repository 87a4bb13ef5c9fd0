using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring;

public static class ScoringRegistration
{
    /// <summary>
    /// The model-backed <see cref="IMentionScorer"/> (replacing the unscored placeholder, whichever
    /// order the capabilities are added in). Missing model files fail options validation at
    /// start-up; a corrupt one fails when the scorer is built, naming the setting.
    /// </summary>
    public static IHostApplicationBuilder AddScoring(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoringOptions>, ScoringOptionsValidator>());
        services.AddSingleton(sp => ModelScorer.Load(sp.GetRequiredService<IOptions<ScoringOptions>>().Value));
        services.RemoveAll<IMentionScorer>();
        services.AddSingleton<IMentionScorer>(sp => sp.GetRequiredService<ModelScorer>());
        services.RemoveAll<IWatchTopicScorer>();
        services.AddSingleton<IWatchTopicScorer>(sp => sp.GetRequiredService<ModelScorer>());
        services.AddHostedService<ScorerWarmup>();
        return builder;
    }
}
