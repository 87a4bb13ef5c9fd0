using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace SentimentWatch.Tests;

/// <summary>
/// The real host (SQLite file, Lucene index on disk, the pipeline) in the Testing environment,
/// over its own temporary data directory, with one API key per role.
/// </summary>
public sealed class ServiceFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string AnalystKey = "test-analyst-key-0123456789";
    public const string SupportKey = "test-support-key-0123456789";
    public const string PrKey = "test-pr-key-0123456789abc";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "sw-host-" + Guid.NewGuid().ToString("N"));

    public bool ConfigureKeys { get; init; } = true;

    /// <summary>More settings for one test (a crawl source, a rule), applied after the defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Replay samples/demo-mentions.jsonl (as a first run does), fast.</summary>
    public bool ReplayDemo { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Replay:Enabled", ReplayDemo ? "true" : "false");
        builder.UseSetting("Replay:BatchSize", "200");
        builder.UseSetting("Replay:Interval", "00:00:00.100");
        builder.UseSetting("Pipeline:PollInterval", "00:00:00.200");
        // The heap bound is process-wide, and a test process runs many services side by side: only the test of the bound sets it.
        builder.UseSetting("Host:HeapBoundMiB", "0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (ConfigureKeys)
        {
            var keys = new[] { (AdminKey, "admin"), (AnalystKey, "analyst"), (SupportKey, "support"), (PrKey, "pr") };
            for (var i = 0; i < keys.Length; i++)
            {
                builder.UseSetting($"Auth:ApiKeys:{i}:Key", keys[i].Item1);
                builder.UseSetting($"Auth:ApiKeys:{i}:Role", keys[i].Item2);
            }
        }
    }

    public HttpClient ClientWithKey(string? key)
    {
        if (StartFailure is not null)
        {
            // Every later test of a class whose host did not start says why, not only the first one ("Server hasn't been
            // initialized yet" is all WebApplicationFactory says after a failed start).
            throw new InvalidOperationException($"The host did not start: {StartFailure.Message}", StartFailure);
        }

        HttpClient client;
        try
        {
            client = CreateClient();
        }
        catch (Exception failure) when (failure is ObjectDisposedException or InvalidOperationException && StartFailure is null)
        {
            // A host that stopped as soon as it started (a background service that failed) leaves WebApplicationFactory
            // only a disposed service provider to report; the host's own log says why.
            StartFailure = new InvalidOperationException($"{failure.Message} The host's log: {HostLogProblems()}", failure);
            throw StartFailure;
        }

        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>The warnings and errors of the host's JSON log (the service writes one under its data directory), last first.</summary>
    public string HostLogProblems()
    {
        var logs = Path.Combine(DataDirectory, "logs");
        if (!Directory.Exists(logs))
        {
            return "(no log written)";
        }

        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(logs, "*.json"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("\"Level\":\"Warning\"", StringComparison.Ordinal) || line.Contains("\"Level\":\"Error\"", StringComparison.Ordinal)
                    || line.Contains("\"Level\":\"Fatal\"", StringComparison.Ordinal))
                {
                    problems.Add(line.Length > 4000 ? line[..4000] + "…" : line);
                }
            }
        }

        return problems.Count == 0 ? "(no warnings or errors)" : string.Join(Environment.NewLine, problems.TakeLast(12).Reverse());
    }

    /// <summary>Why the host did not start, when it did not.</summary>
    public Exception? StartFailure { get; private set; }

    /// <summary>
    /// Hosts in this test process start one at a time. Program's start-up writes process-wide state (Serilog's Log.Logger,
    /// the console profile, jieba's dictionary) and WebApplicationFactory finds each host through a process-wide
    /// diagnostic listener. Stop 61's CI saw one class's host fail to start in 356 ms beside the others on a busy 2-core
    /// machine (its cause scrolled out of the log; every run before and since passed). WebApplicationFactory does not
    /// claim to be thread-safe, and serilog-aspnetcore#289 describes the same failure and this remedy. Tests still run
    /// side by side once their hosts have started.
    /// </summary>
    private static readonly Lock StartGate = new();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (StartGate)
        {
            try
            {
                return base.CreateHost(builder);
            }
            catch (Exception failure)
            {
                StartFailure = failure;
                throw;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        catch (ArgumentNullException) when (StartFailure is not null)
        {
            // A host whose start threw cannot stop (its hosted services were never resolved); the
            // start's own exception is the test's failure, and must not be replaced by this one.
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background thread; the temp folder is the OS's to clean.
        }
    }

    /// <summary>Polls /health until the store reports nothing pending and at least <paramref name="processed"/> processed.</summary>
    public static async Task<JsonElement> WaitForProcessedAsync(HttpClient client, long processed, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonElement store = default;
        while (DateTime.UtcNow < deadline)
        {
            var health = await client.GetFromJsonAsync<JsonElement>("/health");
            store = health.GetProperty("checks").GetProperty("store").GetProperty("data");
            if (store.GetProperty("pending").GetInt64() == 0 && store.GetProperty("processed").GetInt64() >= processed)
            {
                return health;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Mentions were not processed in time; last store counts: {store}");
    }
}
