using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using SentimentWatch.Storage;

namespace SentimentWatch.Hosting;

/// <summary>
/// Serilog, configured once: a bootstrap console logger until configuration is read, then
/// levels and extra sinks from the <c>Serilog</c> section, the console, and a daily rolling
/// JSON file under <c>&lt;data dir&gt;/logs</c>.
/// </summary>
public static class Logging
{
    public static void UseBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();

    public static IHostApplicationBuilder AddSerilog(this IHostApplicationBuilder builder)
    {
        var dataDirectory = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.ResolveDataDirectory()
            ?? Path.GetFullPath("data");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()

            // A host that fails to start is reported once, by the CLI, with the failing settings named.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(
                new JsonFormatter(renderMessage: true),
                Path.Combine(dataDirectory, "logs", "sentimentwatch-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 100 * 1024 * 1024,
                rollOnFileSizeLimit: true)
            .CreateLogger();

        Log.Logger = logger;
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: false);
        return builder;
    }
}
