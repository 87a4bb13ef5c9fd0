using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Storage;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Support;

/// <summary>Hangfire keeps process-wide state, so tests that start hosts run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    public const string Name = "cases hosts";
}

/// <summary>
/// The cases capability as the host wires it (Storage + Cases + API) on a TestServer, with a real
/// SQLite file, real Hangfire (in-memory storage) and a manual clock. The alerting ports, when a
/// test needs them, are recording stand-ins (named so): the real ones live in the alerting project.
/// </summary>
public sealed class CasesTestHost : IAsyncDisposable
{
    // A Friday, 17:50 in Shanghai (09:50 UTC).
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 50, 0, TimeSpan.Zero);

    private CasesTestHost(WebApplication app, ManualClock clock)
    {
        App = app;
        Clock = clock;
    }

    public WebApplication App { get; }
    public ManualClock Clock { get; }
    public CaseDesk Desk => App.Services.GetRequiredService<CaseDesk>();
    public SlaWatch SlaWatch => App.Services.GetRequiredService<SlaWatch>();

    public HttpClient Client(string roles = "support", string user = "li.na")
    {
        var client = App.GetTestClient();
        return client.As(roles, user);
    }

    public async Task<CasesDbContext> DbAsync() =>
        await App.Services.GetRequiredService<IDbContextFactory<CasesDbContext>>().CreateDbContextAsync();

    public static async Task<CasesTestHost> StartAsync(string dataDirectory, IDictionary<string, string?> settings, ManualClock? clock = null,
        Action<IServiceCollection>? services = null, Action<WebApplicationBuilder>? capabilities = null)
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
        builder.AddCases();
        builder.Services.AddTestAuthentication();
        builder.Services.AddProblemDetails();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCasesApi();
        await app.StartAsync();
        return new CasesTestHost(app, clock);
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
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sw-cases-" + Guid.NewGuid().ToString("N")[..12]);

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
            // A lingering handle; the temp folder is cleaned eventually.
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _ticks, at.UtcTicks);
}

/// <summary>
/// The cases configuration as flat keys: watch <c>brand</c> with cases on, a Shanghai business
/// calendar (Mon–Fri 09:00–18:00, Monday 2026-11-30 a holiday, Saturday 2026-12-05 a make-up
/// working day), one team (named) with a lead and three agents (li.na with a display name).
/// </summary>
public sealed class CasesSettings : Dictionary<string, string?>
{
    public CasesSettings()
    {
        this["Cases:SlaCheckCron"] = "0 0 1 1 *";
        this["Cases:PublicBaseUrl"] = "https://watch.example.com";
        this["Cases:WarningLeadTime"] = "00:30:00";
        this["Cases:FollowUpDelay"] = "2.00:00:00";
        this["Cases:Watches:0:Watch"] = "brand";
        this["Cases:Watches:0:MinNegative"] = "0.7";
        this["Cases:Watches:0:Team"] = "care";
        this["Cases:Calendars:0:Id"] = "cn-office";
        this["Cases:Calendars:0:TimeZone"] = "Asia/Shanghai";
        this["Cases:Calendars:0:Opens"] = "09:00";
        this["Cases:Calendars:0:Closes"] = "18:00";
        this["Cases:Calendars:0:Holidays:0"] = "2026-11-30";
        this["Cases:Calendars:0:MakeUpWorkingDays:0"] = "2026-12-05";
        Policy("P1", "01:00:00", "08:00:00", "24x7");
        Policy("P2", "02:00:00", "1.00:00:00", "cn-office");
        Policy("P3", "04:00:00", "18:00:00", "cn-office");
        Policy("P4", "18:00:00", "3.18:00:00", "cn-office");
        this["Cases:Teams:0:Id"] = "care";
        this["Cases:Teams:0:Lead"] = "wang.lead";
        this["Cases:Teams:0:Name"] = "Lumo 客服";
        Agent("wang.lead", "*", max: 50, contact: "wang@example.com");
        Agent("li.na", "refund_return,price_billing", name: "Li Na");
        Agent("zhao.min", "refund_return,product_quality");
        Agent("chen.yu", "product_quality,service_attitude");
        this["Cases:PriorityRules:0:Priority"] = "P1";
        this["Cases:PriorityRules:0:InOpenAlert"] = "true";
        this["Cases:PriorityRules:1:Priority"] = "P2";
        this["Cases:PriorityRules:1:AnyRiskTerm"] = "true";
        this["Cases:PriorityRules:2:Priority"] = "P2";
        this["Cases:PriorityRules:2:VipAuthor"] = "true";
        this["Cases:PriorityRules:3:Priority"] = "P3";
        this["Cases:PriorityRules:3:MinNegative"] = "0.9";
        this["Cases:VipAuthors:0"] = "forum:vip.customer";
    }

    private int _policies;
    private int _agents;

    public CasesSettings Policy(string priority, string firstResponse, string resolution, string calendar)
    {
        var p = $"Cases:Policies:{_policies++}";
        this[$"{p}:Priority"] = priority;
        this[$"{p}:FirstResponse"] = firstResponse;
        this[$"{p}:Resolution"] = resolution;
        this[$"{p}:Calendar"] = calendar;
        return this;
    }

    public CasesSettings Agent(string id, string skills, int max = 20, string? contact = null, string team = "care", string? name = null)
    {
        var p = $"Cases:Agents:{_agents++}";
        this[$"{p}:Id"] = id;
        if (name is not null)
        {
            this[$"{p}:Name"] = name;
        }

        this[$"{p}:Team"] = team;
        this[$"{p}:MaxOpenCases"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (contact is not null)
        {
            this[$"{p}:Contact"] = contact;
        }

        var list = skills.Split(',');
        for (var i = 0; i < list.Length; i++)
        {
            this[$"{p}:Skills:{i}"] = list[i];
        }

        return this;
    }

    public CasesSettings With(string key, string? value)
    {
        this[key] = value;
        return this;
    }
}

/// <summary>Stand-in for the alerting capability's notifier: records notices, and like the real one sends each dedup key once.</summary>
public sealed class RecordingStaffNotifier : IStaffNotifier
{
    private readonly List<StaffNotice> _sent = [];
    private readonly HashSet<string> _keys = [];

    public int FailNext { get; set; }

    /// <summary>Notices this answers true for are refused on every call (as <see cref="FailNext"/> refuses), until it is cleared.</summary>
    public Func<StaffNotice, bool>? Refuse { get; set; }

    public IReadOnlyList<StaffNotice> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToList();
            }
        }
    }

    /// <summary>Every call, including repeats of a key (to prove the caller does not repeat).</summary>
    public int Calls { get; private set; }

    public Task NotifyAsync(StaffNotice notice, CancellationToken cancellationToken)
    {
        lock (_sent)
        {
            Calls++;
            if (FailNext > 0)
            {
                FailNext--;
                throw new HttpRequestException("channel down (test)");
            }

            if (Refuse?.Invoke(notice) == true)
            {
                throw new HttpRequestException("channel down (test)");
            }

            if (_keys.Add(notice.DedupKey))
            {
                _sent.Add(notice);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Stand-in for the alerting capability's alert directory: a fixed set of open alerts and their evidence, recording timeline lines.</summary>
public sealed class RecordingAlertDirectory : IAlertDirectory
{
    public Dictionary<long, (AlertLink Alert, HashSet<string> Evidence)> Alerts { get; } = [];
    public List<(long AlertId, string Actor, string Text)> Timeline { get; } = [];

    public void Open(long id, params string[] mentionIds) =>
        Alerts[id] = (new AlertLink(id, "brand", $"Negative spike {id}", "warning", "firing", CasesTestHost.Start, null), [.. mentionIds]);

    public Task<IReadOnlyList<AlertLink>> OpenAlertsForMentionsAsync(IReadOnlyCollection<string> mentionIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AlertLink>>(Alerts.Values.Where(a => a.Evidence.Overlaps(mentionIds)).Select(a => a.Alert).ToList());

    public Task<AlertLink?> FindAsync(long alertId, CancellationToken cancellationToken) =>
        Task.FromResult(Alerts.TryGetValue(alertId, out var a) ? a.Alert : null);

    public Task RecordOnTimelineAsync(long alertId, string actor, string text, CancellationToken cancellationToken)
    {
        lock (Timeline)
        {
            Timeline.Add((alertId, actor, text));
        }

        return Task.CompletedTask;
    }
}
