using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage;

namespace SentimentWatch.Cases;

public static class CasesRegistration
{
    /// <summary>
    /// Complaint cases: options from <c>Cases</c>, the case desk as a pipeline observer, the
    /// SQLite tables, the SLA watch as a Hangfire recurring job (sharing the host's Hangfire if
    /// another capability set it up), and <see cref="ICaseDirectory"/> for the alerting side.
    /// Needs <c>AddStorage()</c>; uses <see cref="IAlertDirectory"/>, <see cref="IStaffNotifier"/> and
    /// the mention index when the host has them.
    /// </summary>
    public static IHostApplicationBuilder AddCases(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CasesOptions>().BindConfiguration(CasesOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CasesOptions>, CasesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddStateDbContext<CasesDbContext>();
        services.AddSingleton<CaseDesk>();
        services.AddSingleton<IMentionObserver>(sp => sp.GetRequiredService<CaseDesk>());
        services.AddSingleton<CaseMetricRollups>();
        services.AddSingleton<CaseQueries>();
        services.AddSingleton<ICaseDirectory, CaseDirectory>();
        services.AddTransient<SlaWatch>();
        if (builder.Runs(WorkerRoles.Alerting))
        {
            services.AddHostedService<SlaWatchSchedule>();
        }

        // Hangfire is configured once per host (JobStorage is process-wide): shared with alerting,
        // on the store Storage:Provider names (decisions 050, 146).
        builder.AddBackgroundJobs();

        return builder;
    }
}
