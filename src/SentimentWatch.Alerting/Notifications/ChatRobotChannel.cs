using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

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

    public static bool TryParseKind(string? value, out ChatRobotKind kind) =>
        Enum.TryParse(value?.Trim(), ignoreCase: true, out kind) && Enum.IsDefined(kind);

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

        using var response = await httpClients.CreateClient(WebhookChannel.HttpClientName).PostAsJsonAsync(url, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
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

    private static string Markdown(NotificationMessage m)
    {
        var text = new StringBuilder();
        text.AppendLine($"### {m.Title}").AppendLine();
        text.AppendLine(m.Kind == "resolved" ? $"Resolved by {m.ResolvedBy ?? "auto"}. Last reading: {m.Summary}" : m.Summary).AppendLine();
        if (m.TopTerms.Count > 0)
        {
            text.AppendLine($"**Top terms:** {string.Join(", ", m.TopTerms)}").AppendLine();
        }

        foreach (var sample in m.Samples)
        {
            text.AppendLine(sample.Url is null ? $"- {sample.Excerpt}" : $"- [{sample.Excerpt}]({sample.Url})");
        }

        if (m.MentionsLink is not null)
        {
            text.AppendLine().AppendLine($"[All mentions]({m.MentionsLink})");
        }

        if (m.AlertLink is not null)
        {
            text.AppendLine().AppendLine(m.Kind == "notice" ? $"[Open]({m.AlertLink})" : $"[Open the alert]({m.AlertLink})");
        }

        return text.ToString();
    }

    private static JsonObject Slack(NotificationMessage m)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(m.Title, 150) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = m.Summary } },
        };
        if (m.TopTerms.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = "*Top terms:* " + string.Join(", ", m.TopTerms) } } });
        }

        foreach (var sample in m.Samples)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = sample.Url is null ? sample.Excerpt : $"<{sample.Url}|{sample.Source}> {sample.Excerpt}" } });
        }

        if (m.MentionsLink is not null)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"<{m.MentionsLink}|All mentions>" } });
        }

        return new JsonObject { ["text"] = $"{m.Title}: {m.Summary}", ["blocks"] = blocks };
    }

    private static JsonObject Teams(NotificationMessage m)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true, ["text"] = m.Title },
            new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = m.Summary },
        };
        if (m.TopTerms.Count > 0)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = "Top terms: " + string.Join(", ", m.TopTerms) });
        }

        foreach (var sample in m.Samples)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = sample.Url is null ? sample.Excerpt : $"[{sample.Source}]({sample.Url}) {sample.Excerpt}" });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (m.MentionsLink is not null)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "All mentions", ["url"] = m.MentionsLink } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card } },
        };
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
