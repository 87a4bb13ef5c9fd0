using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Crawling.Tests.RealPages;

/// <summary>
/// A real Kestrel server on 127.0.0.1 replaying the captured pages of
/// <c>Fixtures/RealPages/&lt;engine&gt;/</c> byte for byte at <c>/realpages/&lt;engine&gt;/&lt;file&gt;</c>.
/// A page's response headers (Content-Type, Link) come from <c>&lt;file&gt;.headers</c> when the
/// capture recorded them; otherwise the type is guessed from the extension with no charset,
/// so the crawler's own charset detection decides, as it must on a real site.
/// <c>{{BASE}}</c> in a captured header or body becomes this server's address.
/// </summary>
public sealed class RealPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RealPageServer(WebApplication app) => _app = app;

    public string Base { get; private set; } = string.Empty;

    public List<string> Requests { get; } = [];

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealPages");

    public static async Task<RealPageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new RealPageServer(app);
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nAllow: /\n", "text/plain"));
        app.MapGet("/realpages/{engine}/{**file}", async (string engine, string file, HttpContext context) =>
        {
            lock (server.Requests)
            {
                server.Requests.Add(context.Request.Path + context.Request.QueryString);
            }

            var path = Path.GetFullPath(Path.Combine(Root, engine, file));
            if (!File.Exists(path) && File.Exists(Path.Combine(Root, engine, "routes.json")))
            {
                // A platform preset asks for the API's own path (/api/v1/timelines/tag/hoot): routes.json names the capture.
                var routes = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(Root, engine, "routes.json")))!;
                if (routes.TryGetValue("/" + file, out var captured))
                {
                    path = Path.GetFullPath(Path.Combine(Root, engine, captured));
                }
            }

            if (!path.StartsWith(Path.GetFullPath(Root), StringComparison.Ordinal) || !File.Exists(path))
            {
                return Results.NotFound();
            }

            var body = await File.ReadAllBytesAsync(path);
            var contentType = Path.GetExtension(path) switch
            {
                ".json" => "application/json",
                ".xml" or ".rss" => "application/rss+xml",
                ".atom" => "application/atom+xml",
                _ => "text/html",
            };
            if (File.Exists(path + ".headers"))
            {
                foreach (var line in await File.ReadAllLinesAsync(path + ".headers"))
                {
                    var colon = line.IndexOf(':');
                    if (colon <= 0)
                    {
                        continue;
                    }

                    var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim().Replace("{{BASE}}", server.Base, StringComparison.Ordinal));
                    if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = value;
                    }
                    else
                    {
                        context.Response.Headers.Append(name, value);
                    }
                }
            }

            if (body.AsSpan().IndexOf("{{BASE}}"u8) >= 0)
            {
                body = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(body).Replace("{{BASE}}", server.Base, StringComparison.Ordinal));
            }

            return Results.Bytes(body, contentType);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Base = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A clock fixed at the moment a gold list was checked, so "3 小时前" and yearless dates resolve as they did then.</summary>
public sealed class FixedNow(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
