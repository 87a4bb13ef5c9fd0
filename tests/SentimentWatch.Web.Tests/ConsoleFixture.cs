using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Hosting;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// The real service (Kestrel on a free 127.0.0.1 port, SQLite file, Lucene on disk, the pipeline,
/// alerting) with the bundled demo mentions replayed through it, one console user per role, and
/// one headless Debian chromium for the whole run. Hangfire keeps process-wide state, so every
/// test class shares this one host.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "console-test-passphrase-1";
    public const string AdminKey = "web-test-admin-key-0123456789";

    /// <summary>One person per role; tests sign in as them.</summary>
    public static readonly IReadOnlyDictionary<string, string> People = new Dictionary<string, string>
    {
        ["admin"] = "ada",
        ["analyst"] = "ana",
        ["pr"] = "petra",
        ["support"] = "sam",
    };

    /// <summary>People of the single sign-on provider (not console accounts until they sign in): their roles there.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ProviderPeople = new Dictionary<string, string[]>
    {
        ["olga.sso"] = ["analyst"],
        ["nora.norole"] = [],

        // The console's admin's user name, taken by someone else at the provider.
        ["ada"] = ["analyst"],

        // A Chinese user name (Identity's default list refused it), and one no console name may be (a space).
        ["张伟"] = ["pr"],
        ["li wei"] = ["analyst"],
    };

    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>The stand-in OpenID provider the console's single sign-on is configured against.</summary>
    public MinimalOpenIdProvider OpenIdProvider { get; } = new(ProviderPeople);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "sw-console-" + Guid.NewGuid().ToString("N"));

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public HttpClient Http { get; } = new();

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public long DemoMentions { get; private set; }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var demo = Path.Combine(AppContext.BaseDirectory, "samples", "demo-mentions.jsonl");
        DemoMentions = File.ReadLines(demo).Count(l => !string.IsNullOrWhiteSpace(l));
        await OpenIdProvider.StartAsync(FreePort());
        var builder = AppHost.CreateBuilder(
        [
            "--environment", "Testing",
            $"--Urls={BaseUrl}",
            $"--Storage:DataDirectory={DataDirectory}",
            "--Replay:Enabled=true",
            "--Replay:BatchSize=200",
            "--Replay:Interval=00:00:00.100",
            "--Pipeline:PollInterval=00:00:00.200",
            // The heap bound is process-wide; this test process is not the service's alone.
            "--Host:HeapBoundMiB=0",
            "--Alerting:EvaluationInterval=00:00:01",
            "--Console:RefreshInterval=00:00:02",
            $"--Auth:ApiKeys:0:Key={AdminKey}",
            "--Auth:ApiKeys:0:Role=admin",
            "--Auth:ApiKeys:0:Name=web-tests",
            // Complaint cases for the demo brand, so the support queue has work in it.
            "--Cases:Watches:0:Watch=lumo",
            // Left unassigned so the tests assign and work them through the console.
            "--Cases:Watches:0:AutoAssign=false",
            // A second team with one agent, so the queue's team filter has a choice to make.
            "--Cases:Teams:1:Id=lumo-social",
            "--Cases:Teams:1:Name=Social media desk",
            "--Cases:Agents:4:Id=agent-wu",
            "--Cases:Agents:4:Name=Wu Lei",
            "--Cases:Agents:4:Team=lumo-social",
            "--Cases:Agents:4:Skills:0=*",
            // Single sign-on against the stand-in provider on 127.0.0.1.
            $"--Console:OpenIdConnect:Authority={OpenIdProvider.Authority}",
            $"--Console:OpenIdConnect:ClientId={MinimalOpenIdProvider.ClientId}",
            $"--Console:OpenIdConnect:ClientSecret={MinimalOpenIdProvider.ClientSecret}",
            "--Console:OpenIdConnect:DisplayName=Lumo SSO",
        ]);
        _app = AppHost.Build(builder);
        await _app.StartAsync();
        Http.BaseAddress = new Uri(BaseUrl);
        await WaitForDemoAsync();

        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            foreach (var (role, name) in People)
            {
                var user = new ConsoleUser { UserName = name, CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
                (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
                (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
            }
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IBrowserContext> NewContextAsync(string locale = "en-US", int width = 1280, int height = 860, string? timezoneId = null) =>
        await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            TimezoneId = timezoneId,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
        await OpenIdProvider.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background thread; the temp folder is the OS's to clean.
        }
    }

    private async Task WaitForDemoAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        JsonElement store = default;
        while (DateTime.UtcNow < deadline)
        {
            // /health shows its details only to a key holder.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            request.Headers.Add("X-Api-Key", AdminKey);
            using var response = await Http.SendAsync(request);
            var health = await response.Content.ReadFromJsonAsync<JsonElement>();
            store = health.GetProperty("checks").GetProperty("store").GetProperty("data");
            if (store.GetProperty("pending").GetInt64() == 0 && store.GetProperty("processed").GetInt64() + store.GetProperty("parked").GetInt64() >= DemoMentions * 9 / 10)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The demo mentions were not processed in time; last store counts: {store}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
