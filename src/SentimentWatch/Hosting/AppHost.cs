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

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,

            // appsettings.json and models/ are linked into the output folder: read them from
            // there, whatever the working directory (data still goes under the working directory).
            ContentRootPath = AppContext.BaseDirectory,
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
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.Services.AddProblemDetails();

        // Binding failures reach BadRequestProblems (problem details naming the parameter), not a bare 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();

        builder.AddSerilog();
        builder.AddStorage();
        builder.AddIntake();
        builder.AddApiKeyAuthentication();
        builder.AddScoring();
        builder.AddIndexing();
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

        // Every setting that does not bind or validate, and an unusable data directory, reported
        // together before anything starts (decision 083).
        if (ConfigurationCheck.Run(app.Configuration, builder.Services, app.Services) is { Count: > 0 } failures)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("configuration", typeof(IConfiguration), failures);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseFormPostGuard(AlertingDashboardExtensions.DefaultPath);

        app.MapHealthApi();
        app.MapIntakeApi();
        app.MapPipelineMetricsApi();
        app.MapIndexingApi();
        app.MapCrawlingApi();
        app.MapAlertingApi();
        app.MapAlertingDashboard();
        app.MapConsole();
        app.MapCasesApi();

        // Say where the generated admin key is (if one is in use) as soon as the service is up.
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ApiKeyRing>());
        return app;
    }
}
