using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// A post whose reach and engagement are all <see cref="long.MaxValue"/> (intake took it; the numbers are the
/// caller's) is a crisis post: the desk must alert on it, not fail on its arithmetic and skip it.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ExtremeReachDeskTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("loud", "influencer", "brand", ("MinReach", "100000"), ("Severity", "critical"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private Mention AtTheLimit() => Mentions.Negative(_host.Clock.GetUtcNow()) with
    {
        Engagement = new Engagement(Reach: long.MaxValue, Likes: long.MaxValue, Replies: long.MaxValue, Shares: long.MaxValue),
    };

    [Fact]
    public async Task TwoPostsAtTheLimit_OpenAnIncidentWithASaturatedReach()
    {
        await _host.Desk.OnIndexedAsync([AtTheLimit()], default);
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        await _host.Desk.OnIndexedAsync([AtTheLimit()], default);

        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        var alert = (await _host.Client().GetFromJsonAsync<JsonElement>("/api/alerts?status=open")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        alert.GetProperty("kind").GetString().ShouldBe("influencer");
        alert.GetProperty("count").GetInt32().ShouldBe(2, "the second post joined the incident instead of failing the desk");
        alert.GetProperty("whatHappened").GetString()!.ShouldContain("2 negative posts");
        alert.GetProperty("whatHappened").GetString()!.ShouldContain("negative reach 9,223,372,036,854,775,807");
    }

    [Fact]
    public async Task APostWhoseInteractionsAddUpPastTheLimit_StillCountsAsLoud()
    {
        // Likes + replies wrap to -2 in plain long arithmetic: the post would look like it reached nobody.
        var post = Mentions.Negative(_host.Clock.GetUtcNow()) with { Engagement = new Engagement(Reach: 0, Likes: long.MaxValue, Replies: long.MaxValue) };

        await _host.Desk.OnIndexedAsync([post], default);

        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        await using var db = await _host.DbAsync();
        db.Evidence.Single(e => e.MentionId == post.Id).Reach.ShouldBe(long.MaxValue);
    }
}
