using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SentimentWatch.Alerting.Notifications;

namespace SentimentWatch.Alerting.Tests.Support;

/// <summary>A real HTTP listener on 127.0.0.1 that records webhook deliveries (and can fail on purpose).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _arrivals = Channel.CreateUnbounded<ReceivedWebhook>();
    private int _failuresLeft;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public int Requests => _requests;
    private int _requests;

    /// <summary>Answer 500 to this many requests before succeeding; -1 fails everything.</summary>
    public int FailNext { get => Volatile.Read(ref _failuresLeft); set => Volatile.Write(ref _failuresLeft, value); }

    /// <summary>While set, every request waits this long before it is answered (an endpoint that hangs).</summary>
    public TimeSpan HangFor { get; set; }

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url(string path = "hook") => $"{_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/{path}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{name}", async (HttpContext http, string name) =>
        {
            Interlocked.Increment(ref receiver._requests);
            if (receiver.HangFor > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(receiver.HangFor, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.StatusCode(499);
                }
            }

            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var failures = receiver.FailNext;
            if (failures == -1 || (failures > 0 && Interlocked.Decrement(ref receiver._failuresLeft) >= 0))
            {
                return Results.StatusCode(500);
            }

            var received = new ReceivedWebhook(name, buffer.ToArray(), http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), Stopwatch.GetTimestamp())
            {
                Query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            };
            receiver.Received.Enqueue(received);
            receiver._arrivals.Writer.TryWrite(received);
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

    /// <summary>
    /// Proves "nothing more is sent" with a positive signal instead of a wait: once
    /// <see cref="AlertingTestHost.DeliveriesFinishedAsync"/> says notification work has finished,
    /// asserts that every webhook that arrived was taken with <see cref="NextAsync"/> and that each
    /// delivered outbox row for <paramref name="channel"/> arrived exactly once. Returns the rows.
    /// </summary>
    public async Task<List<OutboxNotification>> ShouldReceiveNothingMoreAsync(AlertingTestHost host, string? because = null, string channel = "pr-hook")
    {
        var finished = await host.DeliveriesFinishedAsync();
        var unread = new List<string>();
        while (_arrivals.Reader.TryRead(out var webhook))
        {
            unread.Add($"{webhook.Path}: {webhook.Kind}");
        }

        unread.ShouldBeEmpty(because);
        Received.Count(w => w.Path == channel).ShouldBe(finished.Count(r => r.Channel == channel), "each delivered notification arrives once");
        return finished;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, long ArrivedTimestamp)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Kind => Json.GetProperty("kind").GetString()!;

    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();
}
