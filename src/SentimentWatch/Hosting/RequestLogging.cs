using Microsoft.AspNetCore.Routing;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;
using SentimentWatch.Core.Privacy;

namespace SentimentWatch.Hosting;

/// <summary>
/// One structured event per HTTP request (Serilog.AspNetCore) in place of ASP.NET Core's several
/// per-request lines: method, path, status, elapsed milliseconds, the route pattern and who called.
/// The path is logged without its query string (search words and filters are what people type,
/// and can hold personal data) and through the redactor; the caller is the API key's configured
/// name or the signed-in person, never the key. Health probes are Debug (unless they fail with a
/// 500), so a load balancer's polling does not drown the log; server errors are Error (decision 167).
/// </summary>
public static class RequestLogging
{
    public const string MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} answered {StatusCode} in {Elapsed:0.0} ms for {UserName:l}";

    /// <summary>Who made an unauthenticated request.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Registers what the request logging middleware needs: the diagnostic context on <paramref name="logger"/>.</summary>
    public static IServiceCollection AddRequestLogging(this IServiceCollection services, Serilog.ILogger logger)
    {
        services.AddSingleton(new RequestLogger(logger));
        services.AddSingleton(new DiagnosticContext(logger));
        services.AddSingleton<IDiagnosticContext>(sp => sp.GetRequiredService<DiagnosticContext>());
        return services;
    }

    /// <summary>Outermost, so it sees the status the exception handler and the status-code pages settled on.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the process-wide Log.Logger another host in the process may have replaced.
            options.Logger = app.ApplicationServices.GetRequiredService<RequestLogger>().Logger;
            options.MessageTemplate = MessageTemplate;
            options.IncludeQueryInRequestPath = false;
            options.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(http.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(RedactedPath(path))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
            options.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("UserName", http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : Anonymous);
                if (http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern })
                {
                    diagnostics.Set("RoutePattern", pattern);
                }
            };
            options.GetLevel = (http, _, exception) => (exception, http.Response.StatusCode) switch
            {
                (not null, _) or (_, 500) => LogEventLevel.Error,

                // Probes poll; "unhealthy" (503) is an answer there, reported by the health checks themselves.
                _ when http.Request.Path.StartsWithSegments("/health") => LogEventLevel.Debug,
                (_, >= 500) => LogEventLevel.Error,
                _ => LogEventLevel.Information,
            };
        });

    /// <summary>
    /// A path names things (a mention, a case, a source), but a caller can put anything in it: the
    /// identifier kinds are redacted (long digit runs stay: platforms number their posts with them).
    /// </summary>
    public static string RedactedPath(string path) =>
        PersonalDataRedactor.Redact(path, PersonalDataRedactor.IdentifierKinds(RedactionKinds.Default));

    private sealed record RequestLogger(Serilog.ILogger Logger);
}
