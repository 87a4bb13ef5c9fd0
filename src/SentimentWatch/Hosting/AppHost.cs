using Microsoft.AspNetCore.Http.Json;
using SentimentWatch.Alerting;
using SentimentWatch.Api;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Crawling;
using SentimentWatch.Indexing;
using SentimentWatch.Indexing.Api;
using SentimentWatch.Pipeline;
using SentimentWatch.Scoring;
using SentimentWatch.Scoring.Api;
using SentimentWatch.Security;
using SentimentWatch.Storage;
using SentimentWatch.Web;

namespace SentimentWatch.Hosting;

/// <summary>
/// The service as a table of contents: one <c>Add…</c> per capability, one <c>Map…Api</c> per
/// API group. The CLI verbs build the same host, so every verb sees the same configuration.
/// </summary>
public static class AppHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <param name="args">Settings and host arguments.</param>
    /// <param name="isService">
    /// The long-running service (writes the log file) rather than a CLI verb's host (logs to the console only).
    /// </param>
    public static WebApplicationBuilder CreateBuilder(string[] args, bool isService = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,

            // Where appsettings.json is read (data still goes under the working directory).
            ContentRootPath = ConfigurationHome(),
        });

        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? DefaultUrl);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = IntakeApi.MaxBodyBytes);
        builder.Services.Configure<HostOptions>(o =>
        {
            // A malformed value is reported by ConfigurationCheck with the others, not thrown here.
            o.ShutdownTimeout = TimeSpan.TryParse(builder.Configuration["Host:ShutdownTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout)
                ? timeout
                : TimeSpan.FromSeconds(30);
            o.ServicesStartConcurrently = false;
        });
        builder.Services.AddOptions<HostSettings>().BindConfiguration(HostSettings.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<HostSettings>, HostSettingsValidator>();
        if (isService)
        {
            // The process's heap, bounded in the long-running service only (decision 223); training verbs keep the defaults.
            builder.Services.AddHostedService<HeapBound>();
        }

        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.Services.AddProblemDetails();

        // Binding failures reach BadRequestProblems (problem details naming the parameter), not a bare 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();

        builder.AddSerilog(writeLogFile: isService);
        builder.AddTelemetry();
        builder.AddWorkerRoles();
        builder.AddStorage();
        builder.AddIntake();
        builder.AddApiKeyAuthentication();
        builder.AddScoring();
        builder.AddIndexing();
        builder.AddLabelCorrections();
        builder.AddMentionPipeline();
        builder.AddCrawling();
        builder.AddAlerting();
        builder.AddCases();
        builder.AddHealth();
        builder.AddConsole();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();

        LogConfigurationFiles(app);

        // Every setting that does not bind or validate, and an unusable data directory, reported
        // together before anything starts (decision 083).
        if (ConfigurationCheck.Run(app.Configuration, builder.Services, app.Services) is { Count: > 0 } failures)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("configuration", typeof(IConfiguration), failures);
        }

        app.UseRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseFormPostGuard(AlertingDashboardExtensions.DefaultPath);

        // Every worker answers /health (load balancers, the container's health check); only api
        // workers serve the API and the console (Worker:Roles, decision 147).
        app.MapHealthApi();
        if (WorkerRoleRegistration.RolesFrom(app.Configuration).HasFlag(Core.Hosting.WorkerRoles.Api))
        {
            app.MapIntakeApi();
            app.MapPipelineMetricsApi();
            app.MapIndexingApi();
            app.MapScoringApi();
            app.MapCrawlingApi();
            app.MapAlertingApi();
            app.MapAlertingDashboard();
            app.MapConsole();
            app.MapCasesApi();
        }

        // Say where the generated admin key is (if one is in use) as soon as the service is up.
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ApiKeyRing>());
        return app;
    }

    /// <summary>
    /// The folder whose <c>appsettings.json</c> is read. Run from the source tree (<c>dotnet run</c>,
    /// with or without <c>--no-build</c>) it is the repository root, where the README says to edit
    /// the file: the copy in <c>bin/</c> is only refreshed by a build, and a stale copy silently
    /// won (issue 17). Published (no solution file above the binary) it is the binary's folder.
    /// </summary>
    public static string ConfigurationHome()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SentimentWatch.sln")) && File.Exists(Path.Combine(folder.FullName, "appsettings.json")))
            {
                return folder.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    /// <summary>Says at start which files the configuration came from, so an operator knows which one to edit.</summary>
    private static void LogConfigurationFiles(WebApplication app)
    {
        var files = ((IConfigurationRoot)app.Configuration).Providers
            .OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>()
            .Select(p => p.Source.FileProvider?.GetFileInfo(p.Source.Path ?? string.Empty))
            .Where(f => f is { Exists: true, PhysicalPath: not null })
            .Select(f => f!.PhysicalPath!)
            .ToList();
        app.Logger.LogInformation(
            "Configuration read from {ConfigurationFiles}, then environment variables and command-line settings",
            files.Count == 0 ? "no file" : string.Join(", ", files));
    }
}
