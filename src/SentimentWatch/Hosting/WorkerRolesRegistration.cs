using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Indexing;
using SentimentWatch.Storage;

namespace SentimentWatch.Hosting;

/// <summary>
/// <c>Worker:Roles</c> (decision 147): what this process runs. The capabilities read it as they
/// register (their hosted services, the crawl scheduler, the job server); the host maps the HTTP
/// API and console only for <c>api</c>, and <c>/health</c> always, naming the roles.
/// </summary>
public static class WorkerRolesRegistration
{
    public static IHostApplicationBuilder AddWorkerRoles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        return builder;
    }
}

/// <summary>
/// Some roles without the others is a scaled deployment: the other roles run in other processes,
/// which can share neither a SQLite file nor a Lucene folder, so both embedded stores are refused.
/// </summary>
public sealed class WorkerOptionsValidator(IConfiguration configuration) : IValidateOptions<WorkerOptions>
{
    private const string Setting = $"{WorkerOptions.SectionName}:Roles";

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        if (options.Roles == WorkerRoles.None || (options.Roles & ~WorkerRoles.All) != 0)
        {
            failures.Add($"{Setting} must name one or more of api, pipeline, crawl, alerting, comma-separated (was '{options.Roles}'); leave it out to run them all");
            return ValidateOptionsResult.Fail(failures);
        }

        if (options.Roles == WorkerRoles.All)
        {
            return ValidateOptionsResult.Success;
        }

        var roles = string.Join(",", WorkerOptions.Names(options.Roles));
        if (Bind<StorageOptions>(StorageOptions.SectionName) is { } storage && storage.Provider != StateStoreProvider.PostgreSql)
        {
            failures.Add(
                $"{Setting} '{roles}' runs only some roles (a scaled deployment), but {StorageOptions.SectionName}:Provider is {storage.Provider.ToString().ToLowerInvariant()}: " +
                "the embedded SQLite state store belongs to one process, and the workers running the other roles cannot share it. " +
                $"Set {StorageOptions.SectionName}:Provider=postgresql and {StorageOptions.SectionName}:ConnectionString, or leave {Setting} out to run every role here (docs/scale-out.md)");
        }

        if (Bind<IndexOptions>(IndexOptions.SectionName) is { } index && !string.Equals(index.Provider, IndexOptions.ElasticsearchProvider, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add(
                $"{Setting} '{roles}' runs only some roles (a scaled deployment), but {IndexOptions.SectionName}:Provider is {index.Provider}: " +
                "the embedded Lucene index is a folder one process writes, and the workers running the other roles cannot share it. " +
                $"Set {IndexOptions.SectionName}:Provider=elasticsearch and {IndexOptions.SectionName}:Elasticsearch:Url, or leave {Setting} out to run every role here (docs/scale-out.md)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The section as bound, or null when it does not bind (ConfigurationCheck names that fault already).</summary>
    private T? Bind<T>(string section)
        where T : class, new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
