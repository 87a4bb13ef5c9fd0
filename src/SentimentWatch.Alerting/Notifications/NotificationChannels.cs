using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>A place PR teams look. Sending throws on failure so the Hangfire job retries.</summary>
public interface INotificationChannel
{
    string Name { get; }

    bool Receives(string watchId, AlertSeverity severity);

    /// <summary>Whether staff notices about incidents (overdue response steps) go here too.</summary>
    bool ReceivesNotices { get; }

    /// <summary>Whether per-case notices (SLA warnings and breaches, follow-ups) go here too; off unless configured (decision 225).</summary>
    bool ReceivesCaseNotices => false;

    /// <summary>The language and time zone its readers read in (decision 218).</summary>
    MessageStyle Style => MessageStyle.Default;

    Task SendAsync(NotificationMessage message, CancellationToken cancellationToken);
}

/// <summary>The configured channels and the routing between them.</summary>
public sealed class NotificationChannels(IEnumerable<INotificationChannel> channels)
{
    private readonly INotificationChannel[] _channels = channels.ToArray();

    public IReadOnlyList<string> Route(string watchId, AlertSeverity severity) =>
        _channels.Where(c => c.Receives(watchId, severity)).Select(c => c.Name).ToArray();

    /// <summary>
    /// Channels that take staff notices; for a notice about one watch's incident, only those that take that watch (any severity);
    /// for a per-case notice (<paramref name="aboutCase"/>), only those that also take case notices.
    /// </summary>
    public IReadOnlyList<string> RouteNotices(string? watchId = null, bool aboutCase = false) =>
        _channels.Where(c => c.ReceivesNotices && (!aboutCase || c.ReceivesCaseNotices) && (watchId is null || c.Receives(watchId, AlertSeverity.Critical)))
            .Select(c => c.Name).ToArray();

    public INotificationChannel? Find(string name) =>
        _channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The style a channel's messages are written in (English, UTC for one no longer configured).</summary>
    public MessageStyle StyleOf(string name) => Find(name)?.Style ?? MessageStyle.Default;
}

internal static class Routing
{
    public static bool Receives(ChannelRouteOptions route, string watchId, AlertSeverity severity) =>
        AlertSeverities.TryParse(route.MinSeverity, out var min) && severity >= min
        && (route.Watches.Count == 0 || route.Watches.Contains(watchId, StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// Generic webhook: POSTs the <see cref="NotificationMessage"/> as JSON with
/// <c>X-SentimentWatch-Signature: sha256=HEX(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>,
/// <c>X-SentimentWatch-Timestamp</c> (Unix seconds) and <c>X-SentimentWatch-Delivery</c> (the idempotency key).
/// </summary>
public sealed class WebhookChannel(WebhookChannelOptions options, IHttpClientFactory httpClients, TimeProvider clock) : INotificationChannel
{
    public const string HttpClientName = "alerting-webhooks";
    public const string SignatureHeader = "X-SentimentWatch-Signature";
    public const string TimestampHeader = "X-SentimentWatch-Timestamp";
    public const string DeliveryHeader = "X-SentimentWatch-Delivery";

    public string Name => options.Name;

    public bool Receives(string watchId, AlertSeverity severity) => Routing.Receives(options, watchId, severity);

    public bool ReceivesNotices => options.Notices;

    public bool ReceivesCaseNotices => options.CaseNotices;

    public MessageStyle Style { get; } = options.ToStyle();

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, Alert.Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(options.Secret, timestamp, body));
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(DeliveryHeader, message.Id);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"webhook '{options.Name}' answered {(int)response.StatusCode} {response.ReasonPhrase} for {message.Id}; will retry",
                null, response.StatusCode);
        }
    }

    /// <summary>What a receiver recomputes to check a delivery came from us.</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp + ".", signed);
        body.CopyTo(signed, timestamp.Length + 1);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}

/// <summary>E-mail over SMTP with MailKit: a plain-text message to the configured recipients.</summary>
public sealed class EmailChannel(IOptions<AlertingOptions> options) : INotificationChannel
{
    public const string ChannelName = "email";

    public string Name => ChannelName;

    private EmailChannelOptions Settings => options.Value.Delivery.Email
        ?? throw new InvalidOperationException($"{AlertingOptions.SectionName}:Delivery:Email is not configured");

    public bool Receives(string watchId, AlertSeverity severity) =>
        options.Value.Delivery.Email is { } email && Routing.Receives(email, watchId, severity);

    public bool ReceivesNotices => options.Value.Delivery.Email is { Notices: true };

    public bool ReceivesCaseNotices => options.Value.Delivery.Email is { CaseNotices: true };

    public MessageStyle Style => options.Value.Delivery.Email is { } email ? email.ToStyle() : MessageStyle.Default;

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in settings.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        // A notice's recipients are free-form names; the ones that are addresses are mailed as well.
        foreach (var recipient in message.Recipients)
        {
            if (MailboxAddress.TryParse(recipient, out var address) && address.Address.Contains('@', StringComparison.Ordinal)
                && !mail.To.Mailboxes.Any(m => string.Equals(m.Address, address.Address, StringComparison.OrdinalIgnoreCase)))
            {
                mail.To.Add(address);
            }
        }

        mail.Subject = message.Title;
        // A stable Message-ID lets mail systems drop a repeat of the same notification.
        mail.MessageId = $"{message.Id}@sentimentwatch";
        mail.Body = new TextPart("plain") { Text = message.ToText() };

        // A mail server that stalls must not hold a delivery worker for MailKit's two minutes per step (decision 250): 15 s per
        // step, 45 s in all; past that the attempt fails and Hangfire retries it.
        using var smtp = new SmtpClient { Timeout = 15_000 };
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(TimeSpan.FromSeconds(45));
        await smtp.ConnectAsync(settings.Host, settings.Port, Enum.Parse<SecureSocketOptions>(settings.Security, ignoreCase: true), overall.Token);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await smtp.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, overall.Token);
        }

        await smtp.SendAsync(mail, overall.Token);
        await smtp.DisconnectAsync(quit: true, overall.Token);
    }
}
