namespace SentimentWatch.Core.Hosting;

/// <summary>
/// What one process of the service runs (<c>Worker:Roles</c>). One binary: a single machine runs
/// every role in one process (the default); a scaled deployment splits them over workers that
/// share PostgreSQL and Elasticsearch, e.g. two <see cref="Pipeline"/> workers, one
/// <see cref="Crawl"/> and one <see cref="Api"/>.
/// </summary>
[Flags]
public enum WorkerRoles
{
    None = 0,

    /// <summary>The HTTP API (intake, search, alerts, cases, sources) and the web console.</summary>
    Api = 1,

    /// <summary>The mention pipeline, the re-scorer, the demo replay and the index retention sweep.</summary>
    Pipeline = 2,

    /// <summary>The crawl scheduler (Quartz): each source's crawl, clustered on PostgreSQL.</summary>
    Crawl = 4,

    /// <summary>Alert evaluation, the response-step and SLA watches, and the job server delivering notifications.</summary>
    Alerting = 8,

    All = Api | Pipeline | Crawl | Alerting,
}

/// <summary>The <c>Worker</c> section: which roles this process runs.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// Comma-separated: <c>api</c>, <c>pipeline</c>, <c>crawl</c>, <c>alerting</c> (default: all).
    /// Anything less than all needs the shared stores (<c>Storage:Provider=postgresql</c>,
    /// <c>Index:Provider=elasticsearch</c>).
    /// </summary>
    public WorkerRoles Roles { get; set; } = WorkerRoles.All;

    /// <summary>The roles by name, lower case, in a fixed order (what <c>/health</c> shows).</summary>
    public static IReadOnlyList<string> Names(WorkerRoles roles) =>
        [.. new[] { WorkerRoles.Api, WorkerRoles.Pipeline, WorkerRoles.Crawl, WorkerRoles.Alerting }
            .Where(r => roles.HasFlag(r))
            .Select(r => r.ToString().ToLowerInvariant())];
}
