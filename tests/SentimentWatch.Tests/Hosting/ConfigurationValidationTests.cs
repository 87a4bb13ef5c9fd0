namespace SentimentWatch.Tests.Hosting;

/// <summary>A wrong setting stops the real service at start-up with a message naming it.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("--Pipeline:BatchSize=0", "Pipeline:BatchSize")]
    [InlineData("--Alerting:Playbooks:0:Steps:1:Due=00:00:00", "Alerting:Playbooks:0:Steps:1:Due")]
    [InlineData("--Watches:0:Query=(绿莫 AND", "Watches:0:Query")]
    [InlineData("--Auth:ApiKeys:0:Role=superuser", "Auth:ApiKeys:0:Role")]
    [InlineData("--Storage:BusyTimeout=00:00:00", "Storage:BusyTimeout")]
    [InlineData("--Scoring:SentimentModel=topic-keywords.json", "Scoring:SentimentModel")]
    [InlineData("--Console:KeyCertificate:Path=/nonexistent/console-keys.pfx", "Console:KeyCertificate:Path")]
    public async Task AnInvalidSetting_StopsTheServiceWithAMessageNamingIt(string setting, string named)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "sw-config-" + Guid.NewGuid().ToString("N"));
        using var service = ServiceProcess.Start(
            $"--Storage:DataDirectory={dataDirectory}",
            "--Replay:Enabled=false",
            "--Auth:ApiKeys:0:Key=config-test-key-0123456789",
            "--Auth:ApiKeys:0:Role=admin",
            setting);

        (await service.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("the service must refuse to start");
        service.ExitCode.ShouldBe(2);
        service.Output.ShouldContain(named);
        service.Output.ShouldContain("Not starting");
        service.Output.ShouldNotContain("   at ");
    }
}
