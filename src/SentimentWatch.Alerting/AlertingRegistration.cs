using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage;

namespace SentimentWatch.Alerting;

public static class AlertingRegistration
{
    /// <summary>
    /// Crisis alerting: rules from <c>Alerting</c>, the incident desk as a pipeline observer,
    /// the evaluation schedule, the SQLite state (evidence, alerts, silences, outbox) and
    /// notification delivery through Hangfire (in-memory storage + outbox by default,
    /// PostgreSQL for scale-out). The schedules run on <c>alerting</c> workers only
    /// (<c>Worker:Roles</c>). Needs <c>AddStorage()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Links in messages point where the service listens unless Alerting:PublicBaseUrl says otherwise (decision 225).
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName)
            .PostConfigure(o => o.PublicBaseUrl = string.IsNullOrWhiteSpace(o.PublicBaseUrl) ? PublicBaseUrls.FromListening(builder.Configuration[PublicBaseUrls.UrlsKey]) : o.PublicBaseUrl)
            .ValidateOnStart();
        services.AddHostedService<PublicBaseUrlCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertingOptions>, AlertingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddStateDbContext<AlertingDbContext>();
        services.AddSingleton<IncidentDesk>();
        services.AddSingleton<IMentionObserver>(sp => sp.GetRequiredService<IncidentDesk>());
        services.AddSingleton<NotificationOutbox>();
        services.TryAddSingleton<WatchNames>();
        // The ports other capabilities (complaint cases) consume; see Core/Incidents/IncidentLinks.cs.
        services.AddSingleton<IAlertDirectory, AlertDirectory>();
        services.AddSingleton<StaffNotifier>();
        services.AddSingleton<IStaffNotifier>(sp => sp.GetRequiredService<StaffNotifier>());
        // The response plan: playbook steps, overdue reminders (a Hangfire recurring job) and the incident record.
        services.AddSingleton<ResponsePlan>();
        services.AddSingleton<IncidentRecords>();
        services.AddTransient<ResponseStepWatch>();
        services.AddTransient<NotificationDelivery>();
        if (builder.Runs(WorkerRoles.Alerting) || builder.Runs(WorkerRoles.Pipeline))
        {
            services.AddHostedService<TopTermsWarmUp>();
        }

        if (builder.Runs(WorkerRoles.Alerting))
        {
            services.AddHostedService<ResponseStepSchedule>();
            services.AddHostedService<AlertEvaluationSchedule>();
        }

        // Needs the IMentionIndex the indexing capability registers; resolved only by the backtest verb.
        services.AddTransient<AlertBacktest>();

        services.AddHttpClient(WebhookChannel.HttpClientName);
        services.AddSingleton(sp =>
        {
            var delivery = sp.GetRequiredService<IOptions<AlertingOptions>>().Value.Delivery;
            var channels = new List<INotificationChannel>();
            foreach (var hook in delivery.Webhooks)
            {
                channels.Add(new WebhookChannel(hook, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
            }

            foreach (var robot in delivery.ChatRobots)
            {
                ChatRobotChannel.TryParseKind(robot.Kind, out var kind);
                channels.Add(new ChatRobotChannel(robot, kind, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
            }

            if (delivery.Email is not null)
            {
                channels.Add(new EmailChannel(sp.GetRequiredService<IOptions<AlertingOptions>>()));
            }

            return new NotificationChannels(channels);
        });

        // Hangfire is configured once per host, on the store Storage:Provider names (decision 146);
        // alerting's delivery settings tune the job server when alerting sets it up first.
        builder.AddBackgroundJobs((sp, server) =>
        {
            var delivery = sp.GetRequiredService<IOptions<AlertingOptions>>().Value.Delivery;
            server.WorkerCount = delivery.WorkerCount;
            server.SchedulePollingInterval = delivery.RetryPollingInterval;
        });

        return builder;
    }
}
