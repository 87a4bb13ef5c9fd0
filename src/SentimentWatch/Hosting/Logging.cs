using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using SentimentWatch.Storage;

namespace SentimentWatch.Hosting;

/// <summary>
/// Serilog, configured once: a bootstrap console logger until configuration is read, then
/// levels and extra sinks from the <c>Serilog</c> section, the console, and, for the service
/// only, a daily rolling JSON file under <c>&lt;data dir&gt;/logs</c>. A CLI verb run beside the
/// service logs to the console only: two processes appending to one file interleaved and lost
/// lines (issue 17). Framework chatter (HTTP client, Hangfire, Quartz, ASP.NET Core) starts at
/// Warning; the <c>Serilog</c> section can lower it again.
/// </summary>
public static class Logging
{
    public static void UseBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();

    public static IHostApplicationBuilder AddSerilog(this IHostApplicationBuilder builder, bool writeLogFile = true)
    {
        var dataDirectory = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.ResolveDataDirectory()
            ?? Path.GetFullPath("data");
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()

            // A host that fails to start is reported once, by the CLI, with the failing settings named.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (writeLogFile)
        {
            try
            {
                // Before the file sink makes the folder with the default permissions (decision 238).
                StorageOptions.CreateDataDirectory(dataDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // ConfigurationCheck names Storage:DataDirectory at start-up.
            }
            configuration.WriteTo.File(
                new JsonFormatter(renderMessage: true),
                Path.Combine(dataDirectory, "logs", "sentimentwatch-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 100 * 1024 * 1024,
                rollOnFileSizeLimit: true);
        }

        var logger = configuration.CreateLogger();

        Log.Logger = logger;
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: false);
        builder.Services.AddRequestLogging(logger);
        return builder;
    }
}
