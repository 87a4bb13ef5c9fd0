using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Storage;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Support;

/// <summary>Hangfire keeps process-wide state, so tests that start hosts run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    public const string Name = "alerting hosts";
}

/// <summary>
/// The alerting capability as the host wires it (Storage + Alerting + API + dashboard) on a
/// TestServer, with a real SQLite file, real Hangfire (in-memory storage) and a manual clock.
/// Authentication is a test scheme reading <c>X-Test-User</c> / <c>X-Test-Roles</c>; the lead's
/// host tests cover the real API-key scheme.
/// </summary>
public sealed class AlertingTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private AlertingTestHost(WebApplication app, ManualClock clock)
    {
        App = app;
        Clock = clock;
    }

    public WebApplication App { get; }
    public ManualClock Clock { get; }
    public IncidentDesk Desk => App.Services.GetRequiredService<IncidentDesk>();

    public HttpClient Client(string? roles = "pr", string user = "pat")
    {
        var client = App.GetTestClient();
        return roles is null ? client : client.As(roles, user);
    }

    public async Task<AlertingDbContext> DbAsync() =>
        await App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();

    public static async Task<AlertingTestHost> StartAsync(string dataDirectory, IDictionary<string, string?> settings, ManualClock? clock = null, Action<IServiceCollection>? services = null,
        Action<WebApplicationBuilder>? capabilities = null)
    {
        clock ??= new ManualClock(Start);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Storage:DataDirectory"] = dataDirectory,
        });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddStorage();
        capabilities?.Invoke(builder);
        builder.AddAlerting();
        builder.Services.AddTestAuthentication();
        builder.Services.AddProblemDetails();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAlertingApi();
        app.MapAlertingDashboard();
        await app.StartAsync();
        return new AlertingTestHost(app, clock);
    }

    /// <summary>
    /// The positive signal that notification work has finished: waits until Hangfire holds no
    /// job enqueued, processing or scheduled for a retry, and every outbox row is delivered, then
    /// returns the rows. A receiver records a webhook before it answers, a row is marked delivered
    /// only after that answer, and a delivered row is never claimed again, so once this returns
    /// the receivers hold everything the evaluations done so far will ever send.
    /// </summary>
    public async Task<List<OutboxNotification>> DeliveriesFinishedAsync()
    {
        var monitor = App.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = await DbAsync();
            var rows = await db.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
            var jobs = monitor.GetStatistics();
            var unfinishedJobs = jobs.Enqueued + jobs.Processing + jobs.Scheduled;
            if (unfinishedJobs == 0 && rows.TrueForAll(r => r.DeliveredAt is not null))
            {
                return rows;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"notification work did not finish: {unfinishedJobs} Hangfire jobs unfinished, undelivered outbox rows: "
                    + string.Join(", ", rows.Where(r => r.DeliveredAt is null).Select(r => $"{r.IdempotencyKey} (attempts {r.Attempts}, {r.LastError})")));
            }

            // Polling for a positive condition (not a fixed wait before an absence assertion).
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A folder under the temp directory, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sw-alerting-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A lingering handle on Windows-like file systems; the temp folder is cleaned eventually.
        }
    }
}

/// <summary>Builds the Alerting configuration section as flat keys.</summary>
public sealed class AlertingSettings : Dictionary<string, string?>
{
    private int _rules;
    private int _hooks;

    public AlertingSettings()
    {
        this["Alerting:EvaluationInterval"] = "00:00:30";
        this["Alerting:PublicBaseUrl"] = "https://watch.example.com";
        this["Alerting:Delivery:RetryPollingInterval"] = "00:00:00.2";
    }

    public const string Secret = "test-secret-0123456789abcdef";

    public AlertingSettings Rule(string id, string kind, string watch = "brand", params (string Key, string Value)[] extra)
    {
        var p = $"Alerting:Rules:{_rules++}";
        this[$"{p}:Id"] = id;
        this[$"{p}:Kind"] = kind;
        this[$"{p}:Watch"] = watch;
        foreach (var (key, value) in extra)
        {
            if (key == "Terms")
            {
                var terms = value.Split(',');
                for (var i = 0; i < terms.Length; i++)
                {
                    this[$"{p}:Terms:{i}"] = terms[i];
                }
            }
            else
            {
                this[$"{p}:{key}"] = value;
            }
        }

        return this;
    }

    public AlertingSettings Webhook(string name, string url, string minSeverity = "info")
    {
        var p = $"Alerting:Delivery:Webhooks:{_hooks++}";
        this[$"{p}:Name"] = name;
        this[$"{p}:Url"] = url;
        this[$"{p}:Secret"] = Secret;
        this[$"{p}:MinSeverity"] = minSeverity;
        return this;
    }

    private int _robots;

    /// <summary>A chat robot (dingtalk, wecom, feishu, slack, teams) writing in <paramref name="language"/> and <paramref name="timeZone"/>.</summary>
    public AlertingSettings ChatRobot(string name, string kind, string url, string language = "en", string timeZone = "UTC")
    {
        var p = $"Alerting:Delivery:ChatRobots:{_robots++}";
        this[$"{p}:Name"] = name;
        this[$"{p}:Kind"] = kind;
        this[$"{p}:Url"] = url;
        this[$"{p}:Language"] = language;
        this[$"{p}:TimeZone"] = timeZone;
        return this;
    }

    private int _playbooks;

    /// <summary>A playbook; each step is (id, title, owner, due, checklist items separated by '|').</summary>
    public AlertingSettings Playbook(string id, string watch, string severity, params (string Id, string Title, string Owner, string Due, string Checklist)[] steps)
    {
        var p = $"Alerting:Playbooks:{_playbooks++}";
        this[$"{p}:Id"] = id;
        this[$"{p}:Watch"] = watch;
        this[$"{p}:Severity"] = severity;
        for (var i = 0; i < steps.Length; i++)
        {
            this[$"{p}:Steps:{i}:Id"] = steps[i].Id;
            this[$"{p}:Steps:{i}:Title"] = steps[i].Title;
            this[$"{p}:Steps:{i}:Owner"] = steps[i].Owner;
            this[$"{p}:Steps:{i}:Due"] = steps[i].Due;
            var items = steps[i].Checklist.Split('|', StringSplitOptions.RemoveEmptyEntries);
            for (var j = 0; j < items.Length; j++)
            {
                this[$"{p}:Steps:{i}:Checklist:{j}"] = items[j];
            }
        }

        return this;
    }

    /// <summary>The spike rule most tests use: 10-minute window, 3x baseline, at least 10 negatives, 15 minutes of quiet to resolve.</summary>
    public AlertingSettings Spike(string id = "spike", string watch = "brand") =>
        Rule(id, "negativeSpike", watch, ("Window", "00:10:00"), ("Ratio", "3"), ("MinCount", "10"), ("ClearFor", "00:15:00"), ("Cooldown", "01:00:00"), ("EscalateAt", "4"));
}
