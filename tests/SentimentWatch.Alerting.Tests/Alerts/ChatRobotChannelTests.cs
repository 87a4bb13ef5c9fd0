using System.Text.Json;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>Each robot's payload, as received by a real HTTP listener on 127.0.0.1, matches its documented format.</summary>
[Collection(HostCollection.Name)]
public sealed class ChatRobotChannelTests : IAsyncLifetime
{
    private const string Secret = "SEC0123456789abcdef";
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private readonly Dictionary<string, ReceivedWebhook> _byPath = [];

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings().Rule("loud", "influencer", "brand", ("MinReach", "100000"));
        string[] kinds = ["slack", "teams", "dingtalk", "wecom", "feishu"];
        for (var i = 0; i < kinds.Length; i++)
        {
            settings[$"Alerting:Delivery:ChatRobots:{i}:Name"] = kinds[i] + "-robot";
            settings[$"Alerting:Delivery:ChatRobots:{i}:Kind"] = kinds[i];
            settings[$"Alerting:Delivery:ChatRobots:{i}:Url"] = _receiver.Url(kinds[i]);
            settings[$"Alerting:Delivery:ChatRobots:{i}:Secret"] = kinds[i] is "dingtalk" or "feishu" ? Secret : null;
        }

        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), text: "门店起火 store on fire", reach: 150_000)], default);
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
    public void Slack_GetsBlockKitWithAHeaderAndATextFallback()
    {
        var json = _byPath["slack"].Json;
        json.GetProperty("text").GetString()!.ShouldStartWith("[WARNING] brand: high-reach negative post");
        var blocks = json.GetProperty("blocks");
        blocks[0].GetProperty("type").GetString().ShouldBe("header");
        blocks[0].GetProperty("text").GetProperty("type").GetString().ShouldBe("plain_text");
        blocks[1].GetProperty("text").GetProperty("type").GetString().ShouldBe("mrkdwn");
        blocks.EnumerateArray().Any(b => b.GetProperty("text").GetProperty("text").GetString()!.Contains("<https://forum.example.com/t/", StringComparison.Ordinal)).ShouldBeTrue();
    }

    [Fact]
    public void SampleLines_NameTheSourceOnce_AsTheLinkToTheOriginal()
    {
        var slack = _byPath["slack"].Json.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetProperty("text").GetString()!)
            .Single(t => t.Contains("store on fire", StringComparison.Ordinal) && t.Contains("reach 150,000", StringComparison.Ordinal));
        slack.ShouldMatch(@"^<https://forum\.example\.com/t/[^|>]+\|forum> · @user\d+ · reach 150,000 · ", "Slack showed \"forum forum ·\"");
        var teams = _byPath["teams"].Json.GetProperty("attachments")[0].GetProperty("content").GetProperty("body").EnumerateArray()
            .Select(b => b.GetProperty("text").GetString()!).Single(t => t.Contains("store on fire", StringComparison.Ordinal));
        teams.ShouldMatch(@"^\[forum\]\(https://forum\.example\.com/t/[^)]+\) · @user\d+ · reach 150,000 · ");
        foreach (var text in new[] { _byPath["dingtalk"].Json.GetProperty("markdown").GetProperty("text").GetString()!, _byPath["wecom"].Json.GetProperty("markdown").GetProperty("content").GetString()!,
            _byPath["feishu"].Json.GetProperty("content").GetProperty("text").GetString()! })
        {
            text.ShouldNotContain("forum forum");
            text.ShouldMatch(@"forum · @user\d+ · reach 150,000");
        }
    }

    [Fact]
    public void Teams_GetsAMessageWithOneAdaptiveCard()
    {
        var json = _byPath["teams"].Json;
        json.GetProperty("type").GetString().ShouldBe("message");
        var attachment = json.GetProperty("attachments").EnumerateArray().ShouldHaveSingleItem();
        attachment.GetProperty("contentType").GetString().ShouldBe("application/vnd.microsoft.card.adaptive");
        var card = attachment.GetProperty("content");
        card.GetProperty("type").GetString().ShouldBe("AdaptiveCard");
        card.GetProperty("body")[0].GetProperty("text").GetString()!.ShouldStartWith("[WARNING] brand: high-reach negative post");
        card.GetProperty("actions")[0].GetProperty("type").GetString().ShouldBe("Action.OpenUrl");
    }

    [Fact]
    public void DingTalk_GetsMarkdownSignedInTheQueryString()
    {
        var received = _byPath["dingtalk"];
        received.Json.GetProperty("msgtype").GetString().ShouldBe("markdown");
        received.Json.GetProperty("markdown").GetProperty("title").GetString()!.ShouldStartWith("[WARNING]");
        received.Json.GetProperty("markdown").GetProperty("text").GetString()!.ShouldContain("起火");
        var timestamp = received.Query["timestamp"];
        long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(AlertingTestHost.Start.ToUnixTimeMilliseconds());
        received.Query["sign"].ShouldBe(ChatRobotChannel.DingTalkSign(Secret, timestamp));
        // Recomputed independently from DingTalk's documented recipe.
        using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(Secret));
        received.Query["sign"].ShouldBe(Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes(timestamp + "\n" + Secret))));
    }

    [Fact]
    public void WeCom_GetsMarkdownContent()
    {
        var json = _byPath["wecom"].Json;
        json.GetProperty("msgtype").GetString().ShouldBe("markdown");
        json.GetProperty("markdown").GetProperty("content").GetString()!.ShouldContain("### [WARNING] brand: high-reach negative post");
    }

    [Fact]
    public void Feishu_GetsATextMessageSignedInTheBody()
    {
        var json = _byPath["feishu"].Json;
        json.GetProperty("msg_type").GetString().ShouldBe("text");
        json.GetProperty("content").GetProperty("text").GetString()!.ShouldContain("150,000");
        var timestamp = json.GetProperty("timestamp").GetString()!;
        timestamp.ShouldBe(AlertingTestHost.Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(timestamp + "\n" + Secret));
        json.GetProperty("sign").GetString().ShouldBe(Convert.ToBase64String(hmac.ComputeHash([])));
    }
}
