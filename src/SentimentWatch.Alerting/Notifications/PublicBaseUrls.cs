using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// Where links in messages point (decision 225): <c>Alerting:PublicBaseUrl</c> when it is set (a proxy, a public name),
/// else the first http(s) URL the service listens on (<c>Urls</c>, as <c>--Urls</c> or <c>ASPNETCORE_URLS</c> set it).
/// </summary>
public static class PublicBaseUrls
{
    /// <summary>The host setting Kestrel listens on (<c>--Urls</c>, <c>ASPNETCORE_URLS</c>, <c>Urls</c> in appsettings.json).</summary>
    public const string UrlsKey = "Urls";

    /// <summary>
    /// The first http(s) URL of a <c>;</c>-separated list, without a trailing slash; a wildcard host (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>) becomes <c>localhost</c>. Null when there is none.
    /// </summary>
    public static string? FromListening(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = WithHost(url, "localhost").TrimEnd('/');
            if (Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="publicBaseUrl"/> names one of the listening URLs (same host and port; a wildcard host matches any).</summary>
    public static bool MatchesAny(string publicBaseUrl, IEnumerable<string> listening)
    {
        if (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var configured))
        {
            return false;
        }

        return listening.Select(FromListeningKeepingWildcard).Any(l => l is { } u && u.Port == configured.Port
            && (u.Host == WildcardHost || string.Equals(u.Host, configured.Host, StringComparison.OrdinalIgnoreCase)
                || (IsLoopback(u.Host) && IsLoopback(configured.Host))));
    }

    private const string WildcardHost = "wildcard.invalid";

    private static Uri? FromListeningKeepingWildcard(string url) =>
        Uri.TryCreate(WithHost(url, WildcardHost), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>The URL with a wildcard host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by <paramref name="host"/>.</summary>
    private static string WithHost(string url, string host)
    {
        foreach (var wildcard in (string[])["://*", "://+", "://0.0.0.0", "://[::]"])
        {
            if (url.Contains(wildcard, StringComparison.Ordinal))
            {
                return url.Replace(wildcard, "://" + host, StringComparison.Ordinal);
            }
        }

        return url;
    }

    private static bool IsLoopback(string host) => host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}

/// <summary>
/// Once the server listens: warns (once) when <c>Alerting:PublicBaseUrl</c> is set and names none of its addresses, so a
/// stale setting is seen before a message links to the wrong place. Not an error: behind a proxy it legitimately differs.
/// </summary>
public sealed class PublicBaseUrlCheck(
    IConfiguration configuration, IOptions<AlertingOptions> options, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<PublicBaseUrlCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Check()
    {
        var configured = configuration[$"{AlertingOptions.SectionName}:PublicBaseUrl"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            logger.LogDebug("Links in alert messages use {PublicBaseUrl}, where the service listens", options.Value.PublicBaseUrl);
            return;
        }

        var listening = (services.GetService(typeof(IServer)) as IServer)?.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() is { Length: > 0 } addresses
            ? addresses
            : (configuration[PublicBaseUrls.UrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (listening.Length > 0 && !PublicBaseUrls.MatchesAny(configured, listening))
        {
            logger.LogWarning(
                "Alerting:PublicBaseUrl is {PublicBaseUrl}, but the service listens on {ListeningUrls}: links in alert messages point there. Fine behind a proxy; otherwise remove the setting (links then use the listening URL) or correct it",
                configured, string.Join(", ", listening));
        }
    }
}
