using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// Per-case notices (an SLA wave) stay off alert channels unless a channel takes case notices, and each links its case;
/// links in messages point where the service listens unless Alerting:PublicBaseUrl says otherwise (decision 225).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class NoticeRoutingAndLinksTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task SlaNotices_GoOnlyToChannelsThatTakeCaseNotices_WithALinkToTheCase()
    {
        var settings = new AlertingSettings().Webhook("pr-hook", _receiver.Url("pr-hook")).Webhook("care-hook", _receiver.Url("care-hook"));
        settings["Alerting:Delivery:Webhooks:1:CaseNotices"] = "true";
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings);
        var notifier = host.App.Services.GetRequiredService<IStaffNotifier>();

        await notifier.NotifyAsync(new StaffNotice("case-7-first-response-breach-1", "SLA breached: case 7 first response overdue", "Case 7 missed its first response target.", "/cases/7", [], AboutCase: true), default);

        var received = await _receiver.NextAsync();
        received.Path.ShouldBe("care-hook", "the alert channel does not take per-case notices by default");
        received.Json.GetProperty("alertLink").GetString().ShouldBe("https://watch.example.com/cases/7");
        received.Json.GetProperty("text").GetString()!.ShouldContain("Open: https://watch.example.com/cases/7");
        await _receiver.ShouldReceiveNothingMoreAsync(host, "nothing went to the alert channel", channel: "care-hook");
        _receiver.Received.ShouldNotContain(w => w.Path == "pr-hook");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5099", "http://127.0.0.1:5099")]
    [InlineData("http://0.0.0.0:8080;https://0.0.0.0:8443", "http://localhost:8080")]
    [InlineData("https://*:443/", "https://localhost:443")]
    [InlineData("http://[::]:5080", "http://localhost:5080")]
    [InlineData("unix:/tmp/sw.sock;http://watch.internal:9000", "http://watch.internal:9000")]
    [InlineData(null, null)]
    public void WithoutPublicBaseUrl_LinksUseTheFirstListeningHttpUrl(string? urls, string? expected) =>
        PublicBaseUrls.FromListening(urls).ShouldBe(expected);

    [Fact]
    public async Task AnUnsetPublicBaseUrl_IsTheListeningUrl_InTheOptionsEveryMessageReads()
    {
        var settings = new AlertingSettings();
        settings.Remove("Alerting:PublicBaseUrl");
        settings["Urls"] = "http://127.0.0.1:5099";
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings);
        host.App.Services.GetRequiredService<IOptionsMonitor<AlertingOptions>>().CurrentValue.PublicBaseUrl.ShouldBe("http://127.0.0.1:5099");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5099", true)]
    [InlineData("http://localhost:5099", "http://127.0.0.1:5099", false)]
    [InlineData("https://watch.example.com", "http://127.0.0.1:5099", true)]
    [InlineData("http://watch.internal:8080", "http://0.0.0.0:8080", false)]
    public void ASetPublicBaseUrl_ThatNamesNoListeningUrl_IsWarnedAboutOnce(string publicBaseUrl, string urls, bool warned)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerting:PublicBaseUrl"] = publicBaseUrl,
            ["Urls"] = urls,
        }).Build();
        var log = new CapturedWarnings();
        using var loggers = new LoggerFactory([log]);
        var check = new PublicBaseUrlCheck(configuration, Options.Create(new AlertingOptions { PublicBaseUrl = publicBaseUrl }), new NoLifetime(),
            new ServiceCollection().BuildServiceProvider(), new Logger<PublicBaseUrlCheck>(loggers));
        check.Check();
        if (warned)
        {
            log.Lines.ShouldHaveSingleItem().ShouldBe(
                $"Alerting:PublicBaseUrl is {publicBaseUrl}, but the service listens on {urls}: links in alert messages point there. Fine behind a proxy; otherwise remove the setting (links then use the listening URL) or correct it");
        }
        else
        {
            log.Lines.ShouldBeEmpty();
        }
    }

    private sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
