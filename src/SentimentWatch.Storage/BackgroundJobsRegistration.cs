using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Hosting;

namespace SentimentWatch.Storage;

/// <summary>
/// Hangfire, configured once per host for every capability that queues jobs (alert notifications,
/// response-step and SLA watches). Its storage follows <c>Storage:Provider</c> (decision 146):
/// in memory beside the SQLite state store (durability from the capabilities' outboxes, decision
/// 050), or the state database on PostgreSQL (schema <c>hangfire</c>, created by Hangfire.PostgreSql
/// at start-up), where every worker can queue and the <c>alerting</c> workers run the jobs.
/// </summary>
public static class BackgroundJobsRegistration
{
    /// <summary>The PostgreSQL schema Hangfire's tables live in, beside the state store's.</summary>
    public const string PostgreSqlSchema = "hangfire";

    /// <summary>
    /// Adds Hangfire unless another capability already did (the first caller's server settings win),
    /// and its job server only on workers with the <c>alerting</c> role: any worker may queue.
    /// </summary>
    public static IHostApplicationBuilder AddBackgroundJobs(this IHostApplicationBuilder builder, Action<IServiceProvider, BackgroundJobServerOptions>? server = null)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(JobStorage)))
        {
            return builder;
        }

        services.AddHangfire((sp, config) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (storage.Provider == StateStoreProvider.PostgreSql)
            {
                config.UsePostgreSqlStorage(
                    pg => pg.UseNpgsqlConnection(storage.ConnectionString),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = PostgreSqlSchema,
                        PrepareSchemaIfNecessary = true,

                        // A queued notification wakes a job server through LISTEN/NOTIFY at once,
                        // instead of waiting for the next queue poll (15 s by default).
                        EnableLongPolling = true,
                    });
            }
            else
            {
                config.UseInMemoryStorage();
            }
        });

        if (builder.Runs(WorkerRoles.Alerting))
        {
            services.AddHangfireServer((sp, options) =>
            {
                options.ServerName = $"sentimentwatch-{Environment.MachineName}-{Environment.ProcessId}";
                server?.Invoke(sp, options);
            });
        }

        return builder;
    }
}
