using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Issue 17 item 7, on the real process: the configuration file the README says to edit is the
/// one read (and named at start), a CLI verb never writes into the service's log file, and
/// redirected output is plain text.
/// </summary>
public sealed class ConfigurationAndLogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sw-trust-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheRepositoryRootAppsettings_IsRead_NotAStaleCopyInTheBuildOutput_AndItIsNamedAtStart()
    {
        // A source tree like the repository's: the solution and appsettings.json at the top, the
        // build output under src/…/bin with an older copy. The host's own files are copied (the
        // .NET host resolves links to find the app's folder); the rest are linked.
        var output = Path.Combine(_root, "src", "SentimentWatch", "bin", "Debug", "net10.0");
        Directory.CreateDirectory(output);
        var built = Path.GetDirectoryName(ServiceProcess.HostAssembly)!;
        foreach (var entry in Directory.EnumerateFileSystemEntries(built))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith("SentimentWatch.", StringComparison.Ordinal) && File.Exists(entry))
            {
                File.Copy(entry, Path.Combine(output, name));
            }
            else if (name != "appsettings.json")
            {
                File.CreateSymbolicLink(Path.Combine(output, name), entry);
            }
        }

        var settings = await File.ReadAllTextAsync(Path.Combine(built, "appsettings.json"));
        await File.WriteAllTextAsync(Path.Combine(_root, "SentimentWatch.sln"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(output, "appsettings.json"), WithKey(settings, "stale-copy-key-0123456789"));
        await File.WriteAllTextAsync(Path.Combine(_root, "appsettings.json"), WithKey(settings, "edited-root-key-0123456789"));

        using var service = ServiceProcess.StartAssembly(Path.Combine(output, "SentimentWatch.dll"), [$"--Storage:DataDirectory={Path.Combine(_root, "data")}", "--Replay:Enabled=false"]);
        using var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        await service.WaitHealthyAsync(client);

        using var edited = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { { "X-Api-Key", "edited-root-key-0123456789" } } };
        (await client.SendAsync(edited)).StatusCode.ShouldBe(HttpStatusCode.OK, "the key in the edited root file must work");
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { { "X-Api-Key", "stale-copy-key-0123456789" } } };
        (await client.SendAsync(stale)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the stale copy's key must not");
        service.Output.ShouldContain($"Configuration read from {Path.Combine(_root, "appsettings.json")}");
    }

    [Fact]
    public async Task ACliVerbRunBesideTheService_WritesNothingIntoItsLogFile()
    {
        var data = Path.Combine(_root, "data");
        string[] settings = [$"--Storage:DataDirectory={data}", "--Replay:Enabled=false", "--Auth:ApiKeys:0:Key=log-test-key-0123456789", "--Auth:ApiKeys:0:Role=admin"];
        using var service = ServiceProcess.Start(settings);
        using var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        await service.WaitHealthyAsync(client);

        var input = Path.Combine(_root, "in.jsonl");
        await File.WriteAllTextAsync(input, "{\"id\":\"a\",\"text\":\"退款太慢了，客服也不回复\"}\n");
        var verb = await RunVerbAsync(["score", "--input", input, "--output", Path.Combine(_root, "out.jsonl"), .. settings]);
        verb.ExitCode.ShouldBe(0, verb.Output);
        verb.Output.ShouldContain("Configuration read from", customMessage: "the verb logs to its console");

        var lines = Directory.GetFiles(Path.Combine(data, "logs")).SelectMany(File.ReadAllLines).ToList();
        lines.ShouldNotBeEmpty();
        lines.ShouldAllBe(line => IsJsonObject(line), "every line of the service's log file is whole JSON");
        lines.Count(l => l.Contains("Configuration read from", StringComparison.Ordinal)).ShouldBe(1, "only the service's own start is in its file");

        // Hangfire and Quartz announce themselves at Information on every start: framework noise starts at Warning.
        lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => !e.TryGetProperty("Level", out var level) || level.GetString() is "Information" or "Debug" or "Verbose")
            .Select(e => e.GetProperty("Properties").TryGetProperty("SourceContext", out var context) ? context.GetString() ?? string.Empty : string.Empty)
            .Where(context => context.StartsWith("Hangfire", StringComparison.Ordinal) || context.StartsWith("Quartz", StringComparison.Ordinal)
                || context.StartsWith("System.Net.Http", StringComparison.Ordinal) || (context.StartsWith("Microsoft.", StringComparison.Ordinal) && context != "Microsoft.Hosting.Lifetime"))
            .ShouldBeEmpty();
    }

    [Fact]
    public async Task RedirectedCliOutput_IsPlainText_EvenOnAColourTerminal()
    {
        var verb = await RunVerbAsync(["crawl", "--source", Path.Combine(_root, "missing.json"), "--output", Path.Combine(_root, "out.jsonl"), $"--Storage:DataDirectory={Path.Combine(_root, "data")}"]);

        verb.Output.ShouldContain("crawl needs --once");
        verb.Output.ShouldNotContain("\u001b[", customMessage: "no ANSI escape codes in redirected output");
    }

    private static string WithKey(string settings, string key)
    {
        var edited = settings.Replace("\"ApiKeys\": []", $"\"ApiKeys\": [ {{ \"Key\": \"{key}\", \"Role\": \"admin\" }} ]", StringComparison.Ordinal);
        edited.ShouldNotBe(settings, "the shipped appsettings.json has an empty Auth:ApiKeys list to fill");
        return edited;
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A CLI verb of the built host, its output redirected, on a terminal that claims colours.</summary>
    private async Task<(int ExitCode, string Output)> RunVerbAsync(string[] args)
    {
        Directory.CreateDirectory(_root);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        start.ArgumentList.Add(ServiceProcess.HostAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}
