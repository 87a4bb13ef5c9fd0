using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>The chat robots PR teams use, each with its documented incoming-webhook format.</summary>
public enum ChatRobotKind
{
    /// <summary>Slack incoming webhook, Block Kit (<c>text</c> fallback + <c>blocks</c>).</summary>
    Slack,

    /// <summary>Microsoft Teams workflow webhook: a message with one Adaptive Card attachment.</summary>
    Teams,

    /// <summary>DingTalk custom robot, <c>markdown</c> message; signed with <c>timestamp</c>/<c>sign</c> query parameters when a secret is set.</summary>
    DingTalk,

    /// <summary>WeCom (企业微信) group robot, <c>markdown</c> message (the key is in the URL).</summary>
    WeCom,

    /// <summary>Feishu/Lark custom bot, <c>text</c> message; signed with <c>timestamp</c>/<c>sign</c> body fields when a secret is set.</summary>
    Feishu,
}

public sealed class ChatRobotChannelOptions : ChannelRouteOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>slack</c>, <c>teams</c>, <c>dingtalk</c>, <c>wecom</c> or <c>feishu</c>.</summary>
    public string Kind { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>DingTalk / Feishu signing secret (optional; required if the robot has signing on).</summary>
    public string? Secret { get; set; }
}

/// <summary>Posts a notification to a chat robot in the robot's own message format.</summary>
public sealed class ChatRobotChannel(ChatRobotChannelOptions options, ChatRobotKind kind, IHttpClientFactory httpClients, TimeProvider clock) : INotificationChannel
{
    public string Name => options.Name;

    public bool Receives(string watchId, AlertSeverity severity) => Routing.Receives(options, watchId, severity);

    public bool ReceivesNotices => options.Notices;

    public bool ReceivesCaseNotices => options.CaseNotices;

    public MessageStyle Style { get; } = options.ToStyle();

    public static bool TryParseKind(string? value, out ChatRobotKind kind) =>
        Enum.TryParse(value?.Trim(), ignoreCase: true, out kind) && Enum.IsDefined(kind);

    /// <summary>How long one post to a robot may take, answer included.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var url = options.Url;
        JsonObject body;
        switch (kind)
        {
            case ChatRobotKind.Slack:
                body = Slack(message);
                break;
            case ChatRobotKind.Teams:
                body = Teams(message);
                break;
            case ChatRobotKind.DingTalk:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["title"] = message.Title, ["text"] = Markdown(message) } };
                if (!string.IsNullOrEmpty(options.Secret))
                {
                    var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(DingTalkSign(options.Secret, timestamp))}";
                }

                break;
            case ChatRobotKind.WeCom:
                body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = Markdown(message) } };
                break;
            default:
                body = new JsonObject { ["msg_type"] = "text", ["content"] = new JsonObject { ["text"] = message.ToText() } };
                if (!string.IsNullOrEmpty(options.Secret))
                {
                    var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    body["timestamp"] = timestamp;
                    body["sign"] = FeishuSign(options.Secret, timestamp);
                }

                break;
        }

        // A robot endpoint that hangs must not hold a delivery worker for the HTTP client's 100 s: other channels' notices queue
        // behind it (decision 250). Past the time the attempt fails and Hangfire retries it.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        using var response = await httpClients.CreateClient(WebhookChannel.HttpClientName).PostAsJsonAsync(url, body, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        string? why = null;
        if (!response.IsSuccessStatusCode || RobotRefused(text, out why))
        {
            throw new HttpRequestException($"{kind} robot '{options.Name}' refused {message.Id}: {(int)response.StatusCode} {why ?? text}; will retry", null, response.StatusCode);
        }
    }

    /// <summary>DingTalk: base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")), timestamp in ms.</summary>
    public static string DingTalkSign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));

    /// <summary>Feishu: base64(HMAC-SHA256(key: "{timestamp}\n{secret}", message: empty)), timestamp in s.</summary>
    public static string FeishuSign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{secret}"), Array.Empty<byte>()));

    /// <summary>DingTalk, WeCom and Feishu answer 200 with an error code in the body.</summary>
    private static bool RobotRefused(string body, out string? why)
    {
        why = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var name in new[] { "errcode", "code", "StatusCode" })
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt64() != 0)
                {
                    why = body;
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Slack answers "ok" as plain text.
        }

        return false;
    }

    /// <summary>What a chat message leads with: the one sentence, who acknowledged or resolved it, then the next response steps.</summary>
    private static IEnumerable<string> Lead(NotificationMessage m)
    {
        if (m.Kind == "notice")
        {
            yield return m.Summary;
            if (m.Recipients.Count > 0)
            {
                yield return m.Word("For: ", "提醒对象：") + string.Join(", ", m.Recipients);
            }

            yield break;
        }

        yield return m.WhatHappened ?? m.Summary;
        if (m.HandledLine(withTime: false) is { } handled)
        {
            yield return handled;
        }

        foreach (var next in m.NextStepLines())
        {
            yield return next;
        }
    }

    private static IEnumerable<string> SignalLines(NotificationMessage m) =>
        m.Kind == "notice" ? [] : m.Signals.Count > 0 ? m.Signals.Select(s => s.Line) : [m.Summary];

    private static IEnumerable<EvidenceSample> ShownSamples(NotificationMessage m) => m.Kind is "notice" or "resolved" ? [] : m.Samples;

    // A sample's words come from the crawled post, so from whoever wrote it: in a chat message they must read as text, not as
    // @channel pings, links with a trusted-looking label or tracking images. Markdown robots (DingTalk, WeCom, Teams) get the
    // brackets and angle brackets that start a link, an image or an HTML tag as their full-width forms; Slack's mrkdwn its three
    // escapes. A link to the original is kept only when it is http(s), with the characters that would end it percent-encoded.
    private static IEnumerable<EvidenceSample> ShownSamples(NotificationMessage m, Func<string, string> escape) =>
        ShownSamples(m).Select(s => s with
        {
            Excerpt = escape(s.Excerpt),
            Author = s.Author is null ? null : escape(s.Author),
            Source = escape(s.Source),
            Url = LinkUrl(s.Url),
        });

    internal static string MarkdownText(string text) =>
        text.Replace('[', '［').Replace(']', '］').Replace('<', '＜').Replace('>', '＞');

    internal static string SlackText(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    internal static string? LinkUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)
                .Replace("|", "%7C", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal)
                .Replace(" ", "%20", StringComparison.Ordinal).Replace("[", "%5B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal)
            : null;

    private static string Markdown(NotificationMessage m)
    {
        var text = new StringBuilder();
        text.AppendLine($"### {m.Title}").AppendLine();
        foreach (var line in Lead(m))
        {
            text.AppendLine(line).AppendLine();
        }

        foreach (var line in SignalLines(m))
        {
            text.AppendLine($"- {line}");
        }

        if (m.TopTerms.Count > 0)
        {
            text.AppendLine().AppendLine($"**{m.Word("Top terms:", "热词：")}** {string.Join(m.Word(", ", "、"), m.TopTerms.Select(MarkdownText))}").AppendLine();
        }

        foreach (var sample in ShownSamples(m, MarkdownText))
        {
            text.AppendLine(sample.Url is null ? $"- {m.SampleLine(sample)}" : $"- [{m.SampleLine(sample)}]({sample.Url})");
        }

        if (m.AlertLink is not null)
        {
            text.AppendLine().AppendLine($"[{OpenWord(m)}]({m.AlertLink})");
        }

        if (m.MentionsLink is not null)
        {
            text.AppendLine().AppendLine($"[{m.Word("All posts", "全部帖子")}]({m.MentionsLink})");
        }

        return text.ToString();
    }

    private static JsonObject Slack(NotificationMessage m)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(m.Title, 150) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = string.Join("\n", Lead(m)) } },
        };
        var signals = SignalLines(m).ToList();
        if (signals.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = string.Join("\n", signals.Select(l => "• " + l)) } });
        }

        if (m.TopTerms.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*{m.Word("Top terms:", "热词：")}* " + string.Join(m.Word(", ", "、"), m.TopTerms.Select(SlackText)) } } });
        }

        foreach (var sample in ShownSamples(m, SlackText))
        {
            var line = sample.Url is null ? m.SampleLine(sample) : m.SampleLine(sample, $"<{sample.Url}|{sample.Source}>");
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = line } });
        }

        var links = new List<string>();
        if (m.AlertLink is not null)
        {
            links.Add($"<{m.AlertLink}|{OpenWord(m)}>");
        }

        if (m.MentionsLink is not null)
        {
            links.Add($"<{m.MentionsLink}|{m.Word("All posts", "全部帖子")}>");
        }

        if (links.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = string.Join(" · ", links) } });
        }

        return new JsonObject { ["text"] = $"{m.Title}: {Lead(m).First()}", ["blocks"] = blocks };
    }

    private static JsonObject Teams(NotificationMessage m)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true, ["text"] = m.Title },
        };
        foreach (var line in Lead(m))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = line });
        }

        foreach (var line in SignalLines(m))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = "- " + line });
        }

        if (m.TopTerms.Count > 0)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = m.Word("Top terms: ", "热词：") + string.Join(m.Word(", ", "、"), m.TopTerms.Select(MarkdownText)) });
        }

        foreach (var sample in ShownSamples(m, MarkdownText))
        {
            var line = sample.Url is null ? m.SampleLine(sample) : m.SampleLine(sample, $"[{sample.Source}]({sample.Url})");
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = line });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        var actions = new JsonArray();
        if (m.AlertLink is not null)
        {
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = OpenWord(m), ["url"] = m.AlertLink });
        }

        if (m.MentionsLink is not null)
        {
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = m.Word("All posts", "全部帖子"), ["url"] = m.MentionsLink });
        }

        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card } },
        };
    }

    private static string OpenWord(NotificationMessage m) => m.Kind == "notice" ? m.Word("Open", "打开") : m.Word("Open the incident", "查看事件");

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
