using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// A crawled post's words reach the PR team's chat through the alert's samples: whoever wrote the post must not be able to
/// ping @channel, plant a link with a trusted-looking label or load a tracking image there. Payloads as received by a real
/// HTTP listener on 127.0.0.1.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostileChatContentTests : IAsyncLifetime
{
    private const string Hostile =
        "门店起火 <!channel> re-login at <https://evil.example/sso|the SentimentWatch console> ![x](https://evil.example/p.png) [click here](https://evil.example/a)";

    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private readonly Dictionary<string, ReceivedWebhook> _byPath = [];

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings().Rule("loud", "influencer", "brand", ("MinReach", "100000"));
        string[] kinds = ["slack", "teams", "dingtalk"];
        for (var i = 0; i < kinds.Length; i++)
        {
            settings[$"Alerting:Delivery:ChatRobots:{i}:Name"] = kinds[i] + "-robot";
            settings[$"Alerting:Delivery:ChatRobots:{i}:Kind"] = kinds[i];
            settings[$"Alerting:Delivery:ChatRobots:{i}:Url"] = _receiver.Url(kinds[i]);
        }

        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), text: Hostile, reach: 150_000, author: "a]b<c")], default);
        for (var i = 0; i < kinds.Length; i++)
        {
            var received = await _receiver.NextAsync();
            _byPath[received.Path] = received;
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public void Slack_shows_the_posts_angle_brackets_as_text_so_it_cannot_ping_or_label_a_link()
    {
        var sample = _byPath["slack"].Json.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetProperty("text").GetString()!)
            .Single(t => t.Contains("re-login", StringComparison.Ordinal));
        sample.ShouldContain("&lt;!channel&gt;");
        sample.ShouldContain("&lt;https://evil.example/sso|the SentimentWatch console&gt;");
        sample.ShouldNotContain("<!channel>");
        sample.ShouldNotContain("<https://evil.example");
        sample.ShouldStartWith("<https://forum.example.com/t/", Case.Sensitive, "the link to the original post is still a link");
    }

    [Fact]
    public void Markdown_robots_show_the_posts_brackets_as_text_so_it_cannot_link_or_load_an_image()
    {
        var dingtalk = _byPath["dingtalk"].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        var teams = _byPath["teams"].Json.GetProperty("attachments")[0].GetProperty("content").GetProperty("body").EnumerateArray()
            .Select(b => b.GetProperty("text").GetString()!).Single(t => t.Contains("re-login", StringComparison.Ordinal));
        foreach (var text in new[] { dingtalk, teams })
        {
            text.ShouldNotContain("![x](");
            text.ShouldNotContain("[click here](");
            text.ShouldNotContain("<https://evil.example");
            text.ShouldContain("!［x］(https://evil.example/p.png)", Case.Sensitive, "shown as the text it is");
            text.ShouldContain("@a］b＜c");
        }
    }

    [Theory]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("data:text/html,<script>alert(1)</script>", null)]
    [InlineData("https://forum.example.com/t/1) [x](https://evil.example", "https://forum.example.com/t/1%29%20%5Bx%5D%28https://evil.example")]
    [InlineData("https://forum.example.com/t/1?a=b|c", "https://forum.example.com/t/1?a=b%7Cc")]
    public void A_link_to_the_original_is_kept_only_when_http_and_cannot_end_early(string url, string? expected) =>
        ChatRobotChannel.LinkUrl(url).ShouldBe(expected);

    // A robot endpoint that hangs fails the attempt after ChatRobotChannel.SendTimeout (Hangfire retries it), instead of holding a
    // delivery worker for the HTTP client's 100 s while other channels' notices queue behind it.
    [Fact]
    public async Task A_robot_that_hangs_fails_the_attempt_after_the_send_timeout()
    {
        var channel = _host.App.Services.GetRequiredService<NotificationChannels>().Find("slack-robot").ShouldNotBeNull();
        var message = System.Text.Json.JsonSerializer.Deserialize<NotificationMessage>(
            (await (await _host.DbAsync()).Outbox.AsNoTracking().FirstAsync(o => o.Channel == "slack-robot")).Payload, Alert.Json)!;
        _receiver.HangFor = TimeSpan.FromMinutes(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Should.ThrowAsync<OperationCanceledException>(() => channel.SendAsync(message, CancellationToken.None));
        clock.Elapsed.ShouldBeLessThan(ChatRobotChannel.SendTimeout + TimeSpan.FromSeconds(20));
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(ChatRobotChannel.SendTimeout - TimeSpan.FromSeconds(1));
    }
}
