using SentimentWatch.Hosting;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Decision 224: glibc reads its arena limit from the environment when the process starts, so the service starts itself again
/// (same process, same command line) with <c>MALLOC_ARENA_MAX=2</c> unless the environment names a number.
/// </summary>
public sealed class NativeArenasTests : IDisposable
{
    private const string Key = "arena-test-admin-key-0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sw-arenas-" + Guid.NewGuid().ToString("N"));

    [LinuxOnlyFact]
    public async Task WithoutTheVariable_TheServiceRunsWithTwoArenas_InTheSameProcess_WithTheSameCommandLine_AndItsHeapBoundedByDefault()
    {
        using var service = ServiceProcess.StartWith(new Dictionary<string, string?> { [NativeArenas.Variable] = null }, Args());
        using var client = service.Client(Key);
        await service.WaitHealthyAsync(client);

        // What the kernel holds for the process started by the test: the environment and command line of its last execve.
        Environment(service.Id).ShouldContain($"{NativeArenas.Variable}={NativeArenas.Count}");
        var commandLine = CommandLine(service.Id);
        commandLine.ShouldContain("run");
        commandLine.ShouldContain($"--Urls={service.BaseUrl}");
        commandLine.ShouldContain($"--Storage:DataDirectory={_dataDirectory}");
        (await client.GetAsync("/health")).IsSuccessStatusCode.ShouldBeTrue();
        await EventuallyContainsAsync(service, $"native allocator arenas at most {NativeArenas.Count} ({NativeArenas.Variable})");

        // The restarted runtime answers on its diagnostics socket (dotnet-counters, dotnet-trace, dotnet-dump attach there): before
        // decision 228 the first runtime's socket file kept its name, and tools were refused.
        if (System.Environment.GetEnvironmentVariable("DOTNET_EnableDiagnostics") != "0")
        {
            var socket = DiagnosticsSocket(service.Id);
            File.Exists(socket).ShouldBeTrue(socket);
            using var diagnostics = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await diagnostics.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            diagnostics.Connected.ShouldBeTrue();
        }

        // Decision 228: the service's own heap bound is on by default, unless the runtime has one (a container's memory limit).
        await EventuallyContainsAsync(service, HeapBound.RuntimeBytes > 0
            ? "set by the runtime (DOTNET_GCHeapHardLimit or a container limit) is kept"
            : $"managed heap bounded at {HostSettings.DefaultHeapBoundMiB} MiB");
    }

    [LinuxOnlyFact]
    public async Task AnArenaCountTheEnvironmentNames_IsKept()
    {
        using var service = ServiceProcess.StartWith(new Dictionary<string, string?> { [NativeArenas.Variable] = "3" }, Args());
        using var client = service.Client(Key);
        await service.WaitHealthyAsync(client);

        var environment = Environment(service.Id);
        environment.ShouldContain($"{NativeArenas.Variable}=3");
        environment.ShouldNotContain($"{NativeArenas.Variable}={NativeArenas.Count}");
        await EventuallyContainsAsync(service, $"native allocator arenas at most 3 ({NativeArenas.Variable})");
    }

    private string[] Args() =>
        [$"--Storage:DataDirectory={_dataDirectory}", "--Replay:Enabled=false", $"--Auth:ApiKeys:0:Key={Key}", "--Auth:ApiKeys:0:Role=admin"];

    /// <summary>The runtime's diagnostics socket of the process: named by its id and start time (field 22 of its stat).</summary>
    private static string DiagnosticsSocket(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var startTime = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[22 - 3];
        return Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{processId}-{startTime}-socket");
    }

    private static string[] Environment(int processId) =>
        File.ReadAllText($"/proc/{processId}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static string[] CommandLine(int processId) =>
        File.ReadAllText($"/proc/{processId}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static async Task EventuallyContainsAsync(ServiceProcess service, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!service.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        service.Output.ShouldContain(text, customMessage: service.Output[^Math.Min(4000, service.Output.Length)..]);
    }


    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}

/// <summary>A test of Linux's process interface (/proc, glibc): reported as skipped, with the reason, elsewhere (never as a pass).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxOnlyFactAttribute : FactAttribute
{
    public LinuxOnlyFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "reads /proc and needs glibc, which only Linux has";
        }
    }
}
