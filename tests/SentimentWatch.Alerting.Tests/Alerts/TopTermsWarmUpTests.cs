using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>The word segmenter for top terms loads at start-up, not on the first batch (decision 191).</summary>
[Collection(HostCollection.Name)]
public sealed class TopTermsWarmUpTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_desk_prepares_its_top_terms_when_the_service_starts_before_any_mention_arrives()
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings().Spike());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Desk.TopTermsPrepared && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        host.Desk.TopTermsPrepared.ShouldBeTrue("no batch was handed to the desk; only the start-up warm-up can have prepared it");
    }
}
