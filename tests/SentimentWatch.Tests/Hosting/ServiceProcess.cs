using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SentimentWatch.Tests.Hosting;

/// <summary>The built service started as a real child process, so it can be killed hard.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>A client for this service that sends <paramref name="apiKey"/> as X-Api-Key.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The host's own build output (its appsettings.json and samples ride along there).</summary>
    public static string HostAssembly
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "SentimentWatch.sln")))
            {
                root = root.Parent;
            }

            var path = Path.Combine(root!.FullName, "src", "SentimentWatch", "bin", configuration, "net10.0", "SentimentWatch.dll");
            File.Exists(path).ShouldBeTrue($"the host must be built at {path}");
            return path;
        }
    }

    public static ServiceProcess Start(params string[] args) => StartAssembly(HostAssembly, args);

    /// <summary>The service with these environment variables set (a null value removes one the test process has).</summary>
    public static ServiceProcess StartWith(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartAssembly(HostAssembly, args, environment);

    /// <summary>The service from another copy of the build output (a test's own tree).</summary>
    public static ServiceProcess StartAssembly(string assembly, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add($"--Urls={baseUrl}");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        // The service turns tiered compilation off for throughput (decision 181), which makes start-up
        // slower; tests start many services on two cores and only need them to behave the same.
        start.Environment["DOTNET_TieredCompilation"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ServiceProcess(Process.Start(start)!, baseUrl);
    }

    /// <summary>Waits until /health answers 200 (within a minute unless told); fails with the service's output if it exits or never does.</summary>
    public async Task WaitHealthyAsync(HttpClient client, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            HasExited.ShouldBeFalse($"the service exited early:{Environment.NewLine}{Output}");
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service did not become healthy:{Environment.NewLine}{Output}");
    }

    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>What a service manager sends to stop it: SIGTERM.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
