using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Hosting;

namespace SentimentWatch.Storage;

/// <summary>
/// Whether this process runs a role (<c>Worker:Roles</c>): each capability registers its
/// background work (hosted services, schedulers, job servers) only for its own role, so one
/// binary can be split over workers. Read from configuration at registration, like the crawl
/// schedules; a value that does not parse is reported with the other settings at start-up
/// (ConfigurationCheck), and until then counts as all roles.
/// </summary>
public static class WorkerRoleRegistration
{
    public static WorkerRoles WorkerRoles(this IHostApplicationBuilder builder) => RolesFrom(builder.Configuration);

    public static bool Runs(this IHostApplicationBuilder builder, WorkerRoles role) => builder.WorkerRoles().HasFlag(role);

    public static WorkerRoles RolesFrom(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>()?.Roles ?? Core.Hosting.WorkerRoles.All;
        }
        catch (InvalidOperationException)
        {
            return Core.Hosting.WorkerRoles.All;
        }
    }
}
