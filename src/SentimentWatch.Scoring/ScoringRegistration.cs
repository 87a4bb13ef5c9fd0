using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Storage;

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
        services.RemoveAll<IComplaintTaxonomy>();
        services.AddSingleton<IComplaintTaxonomy>(sp => sp.GetRequiredService<ModelScorer>());
        services.AddHostedService<ScorerWarmup>();
        return builder;
    }

    /// <summary>
    /// Analysts' label corrections (decision 160): their table in the state store and the mention index wrapped so every
    /// write keeps them. Needs <c>AddStorage()</c>, <c>AddScoring()</c> and the index (<c>AddIndexing()</c>) added before.
    /// </summary>
    public static IHostApplicationBuilder AddLabelCorrections(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var index = services.LastOrDefault(d => d.ServiceType == typeof(IMentionIndex) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddLabelCorrections() wraps the mention index: call AddIndexing() first.");
        services.Remove(index);
        services.Add(index.ImplementationFactory is { } factory
            ? ServiceDescriptor.KeyedSingleton<IMentionIndex>(CorrectedMentionIndex.InnerKey, (sp, _) => (IMentionIndex)factory(sp))
            : index.ImplementationInstance is IMentionIndex instance
                ? ServiceDescriptor.KeyedSingleton(CorrectedMentionIndex.InnerKey, instance)
                : ServiceDescriptor.KeyedSingleton(typeof(IMentionIndex), CorrectedMentionIndex.InnerKey, index.ImplementationType!));
        services.AddSingleton<IMentionIndex>(sp => new CorrectedMentionIndex(
            sp.GetRequiredKeyedService<IMentionIndex>(CorrectedMentionIndex.InnerKey), sp.GetRequiredService<LabelCorrections>()));

        services.AddStateDbContext<LabelCorrectionsDbContext>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LabelCorrections>();
        services.AddSingleton<IMentionLabels, MentionLabelDesk>();
        services.AddSingleton<Drift.LabelDrift>();
        return builder;
    }
}
