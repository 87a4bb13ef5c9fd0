using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// A mention whose time the crawler could not read carries its collection time (issue 18):
/// it must not count as new evidence, or a years-old post read today would fire a rule.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class EstimatedTimeEvidenceTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("loud", "influencer", "*", ("MinReach", "100000"), ("Severity", "critical"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task AMentionWithAnEstimatedTimeOpensNoAlertWhereAnIdenticalDatedOneDoes_WithHeaderRoleTestAuth()
    {
        var now = _host.Clock.GetUtcNow();
        var estimated = Mentions.Negative(now, watch: "w-estimated", reach: 250_000) with { PublishedAtEstimated = true };
        var dated = Mentions.Negative(now, watch: "w-dated", reach: 250_000);

        await _host.Desk.OnIndexedAsync([estimated], default);
        await _host.Desk.OnIndexedAsync([dated], default);

        // The dated one is the positive signal that evaluation ran; only then check the other stayed silent.
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        var alerts = await _host.Client().GetFromJsonAsync<JsonElement>("/api/alerts?status=open");
        alerts.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("watch").GetString()).ShouldBe(["w-dated"]);
    }
}
