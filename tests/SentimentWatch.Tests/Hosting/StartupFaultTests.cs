using System.Net;
using System.Net.Sockets;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Issue 17 item 6: every start-up fault of the real service process ends it with exit code 2 and
/// one line naming the setting, its value and what to do; every setting that does not bind is an
/// error, and all of them are reported together (decision 083).
/// </summary>
public sealed class StartupFaultTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sw-fault-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("--Urls=notaurl", "Urls 'notaurl'", "http://127.0.0.1:5080")]
    [InlineData("--Urls=http://127.0.0.1:99999", "Urls 'http://127.0.0.1:99999'", "0-65535")]
    [InlineData("--Alerting:Rules:0:Window=banana", "Alerting:Rules:0:Window 'banana'", "00:10:00")]
    [InlineData("--Crawling:Sources:0:Interval=banana", "Crawling:Sources:0:Interval 'banana'", "hh:mm:ss")]
    [InlineData("--Pipeline:BatchSize=lots", "Pipeline:BatchSize 'lots'", "whole number")]
    [InlineData("--Cases:Calendars:0:WorkingDays:0=Funday", "Cases:Calendars:0:WorkingDays:0 'Funday'", "Monday")]
    [InlineData("--Scoring:MinNegative=0,7", "Scoring:MinNegative", "is not a setting")]
    [InlineData("--Alerting:Rules:0:Windw=00:05:00", "Alerting:Rules:0:Windw", "did you mean 'Window'")]
    [InlineData("--Host:ShutdownTimeout=soon", "Host:ShutdownTimeout 'soon'", "hh:mm:ss")]
    public async Task ASettingThatDoesNotBind_StopsTheServiceWithOneLineNamingItsValueAndTheFix(string setting, string named, string fix)
    {
        var output = await FailedStartAsync(setting);

        FaultLines(output).ShouldHaveSingleItem().ShouldContain(named);
        output.ShouldContain(fix);
    }

    [Fact]
    public async Task SeveralMistakes_AreReportedTogether()
    {
        var output = await FailedStartAsync(
            "--Alerting:Rules:0:Window=banana",
            "--Crawling:Sources:0:Interval=banana",
            "--Pipeline:BatchSize=0",
            "--Urls=http://127.0.0.1:99999");

        output.ShouldContain("4 problems");
        output.ShouldContain("Alerting:Rules:0:Window 'banana'");
        output.ShouldContain("Crawling:Sources:0:Interval 'banana'");
        output.ShouldContain("Pipeline:BatchSize");
        output.ShouldContain("Urls 'http://127.0.0.1:99999'");
    }

    [Fact]
    public async Task APortInUse_IsNamedWithTheAddress()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";

        var output = await FailedStartAsync($"--Urls={url}");

        FaultLines(output).ShouldHaveSingleItem().ShouldContain($"Urls '{url}'");
        output.ShouldContain("already in use");
    }

    [Fact]
    public async Task ADataDirectoryThatIsAFile_IsNamed()
    {
        var file = _dataDirectory + ".txt";
        await File.WriteAllTextAsync(file, "not a folder");
        try
        {
            var output = await FailedStartAsync($"--Storage:DataDirectory={file}");

            FaultLines(output).ShouldHaveSingleItem().ShouldContain($"Storage:DataDirectory '{file}' is a file");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ReadOnlyFolderFact]
    public async Task AReadOnlyDataDirectory_IsNamedAsReadOnly_NotAsALockHeld()
    {
        var folder = ReadOnlyFolderFactAttribute.Find()!;
        try
        {
            var output = await FailedStartAsync($"--Storage:DataDirectory={folder}");

            FaultLines(output).ShouldHaveSingleItem().ShouldContain($"Storage:DataDirectory '{folder}' is not writable");
            output.ShouldNotContain("write.lock");
        }
        finally
        {
            ReadOnlyFolderFactAttribute.Release(folder);
        }
    }

    [Fact]
    public async Task AStateDatabaseThatIsNotADatabase_IsNamed()
    {
        Directory.CreateDirectory(_dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(_dataDirectory, "state.db"), new string('x', 8192));

        var output = await FailedStartAsync();

        FaultLines(output).ShouldHaveSingleItem().ShouldContain("Storage:DataDirectory");
        output.ShouldContain("state.db");
    }

    [Fact]
    public async Task AnUnreachableElasticsearch_IsNamedWithItsUrl()
    {
        // A port nothing listens on: bound and released, so the connection is refused at once.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var output = await FailedStartAsync("--Index:Provider=elasticsearch", $"--Index:Elasticsearch:Url=http://127.0.0.1:{port}");

        FaultLines(output).ShouldHaveSingleItem().ShouldContain($"Index:Elasticsearch:Url 'http://127.0.0.1:{port}/'");
        output.ShouldContain("Index:Provider=lucene");
    }

    [Fact]
    public async Task ASecondServiceOnTheSameDataDirectory_IsRefusedWithTheSettingNamed()
    {
        var key = "fault-test-key-0123456789";
        string[] common = [$"--Storage:DataDirectory={_dataDirectory}", "--Replay:Enabled=false", $"--Auth:ApiKeys:0:Key={key}", "--Auth:ApiKeys:0:Role=admin"];
        using var first = ServiceProcess.Start(common);
        using var client = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
        await first.WaitHealthyAsync(client);

        using var second = ServiceProcess.Start(common);
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("the second service must refuse to start");
        second.ExitCode.ShouldBe(2, second.Output);
        FaultLines(second.Output).ShouldHaveSingleItem().ShouldContain($"Storage:DataDirectory '{_dataDirectory}' is in use by another SentimentWatch service");
        first.HasExited.ShouldBeFalse("the first service keeps running");
    }

    private async Task<string> FailedStartAsync(params string[] settings)
    {
        using var service = ServiceProcess.Start(
            [
                $"--Storage:DataDirectory={_dataDirectory}",
                "--Replay:Enabled=false",
                "--Auth:ApiKeys:0:Key=fault-test-key-0123456789",
                "--Auth:ApiKeys:0:Role=admin",
                .. settings,
            ]);

        (await service.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBeTrue($"the service must refuse to start:{Environment.NewLine}{service.Output}");
        service.ExitCode.ShouldBe(2, service.Output);
        service.Output.ShouldNotContain("   at ", customMessage: "no stack trace for an operator's fault; the output around the first one:" + Environment.NewLine + AroundFirstStack(service.Output));
        return service.Output;
    }

    /// <summary>The lines before and after the first stack frame of the output (Shouldly's message shows only the output's start).</summary>
    private static string AroundFirstStack(string output)
    {
        var lines = output.Split('\n');
        var first = Array.FindIndex(lines, l => l.Contains("   at ", StringComparison.Ordinal));
        return first < 0 ? string.Empty : string.Join('\n', lines.Skip(Math.Max(0, first - 15)).Take(25));
    }

    /// <summary>The fatal lines: one per fault (after a header line when there are several).</summary>
    private static List<string> FaultLines(string output) =>
        output.Split('\n').Where(l => l.Contains(" FTL]", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The fault stopped the service before it created the folder.
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}

/// <summary>
/// Runs where a folder the service cannot write exists: a temporary folder made read-only for a
/// non-root user, or (as root, who may write anywhere) a folder of the read-only /sys filesystem.
/// Skipped, with that reason, where neither exists.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyFolderFactAttribute : FactAttribute
{
    public ReadOnlyFolderFactAttribute()
    {
        if (Find() is not { } folder)
        {
            Skip = "no folder here is read-only for this user (root on a machine without a read-only /sys)";
        }
        else
        {
            Release(folder);
        }
    }

    public static string? Find()
    {
        var temporary = Path.Combine(Path.GetTempPath(), "sw-readonly-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temporary);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        foreach (var candidate in new[] { temporary, "/sys/kernel" })
        {
            if (Directory.Exists(candidate) && !Writable(candidate))
            {
                if (candidate != temporary)
                {
                    Release(temporary);
                }

                return candidate;
            }
        }

        Release(temporary);
        return null;
    }

    public static void Release(string folder)
    {
        if (!folder.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static bool Writable(string folder)
    {
        var probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(probe, "x");
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
