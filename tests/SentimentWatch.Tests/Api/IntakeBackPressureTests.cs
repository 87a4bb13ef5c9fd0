using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Api;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;

namespace SentimentWatch.Tests.Api;

/// <summary>
/// Back-pressure (decision 115) on the real host: the pipeline is held by an observer that waits
/// for the test's signal (a fake only in that it waits), so mentions stay pending deterministically.
/// </summary>
public sealed class IntakeBackPressureTests
{
    private static object Mention(string externalId, string text) => new
    {
        source = "app-feedback",
        externalId,
        text,
        publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
    };

    [Fact]
    public async Task Over_the_backlog_limit_intake_answers_429_with_Retry_After_and_health_shows_the_lag_until_the_pipeline_catches_up()
    {
        var gate = new HeldObserver();
        using var root = new ServiceFactory();
        using var service = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("Pipeline:BatchSize", "4");
            b.UseSetting("Pipeline:ChannelCapacity", "8");
            b.UseSetting("Pipeline:MaxBacklog", "4");
            b.ConfigureServices(s => s.AddSingleton<IMentionObserver>(gate));
        });
        var admin = service.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];

        var first = await admin.PostAsJsonAsync("/api/intake/mentions", Enumerable.Range(0, 6).Select(i => Mention($"bp-{i}-{token}", $"Lumo refund {i} {token}")).ToArray());
        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var refused = await admin.PostAsJsonAsync("/api/intake/mentions", new[] { Mention($"bp-late-{token}", $"Lumo late {token}") });
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        retryAfter.ShouldNotBeNull();
        retryAfter.Value.TotalSeconds.ShouldBeInRange(1, IntakeBackPressure.MaxRetryAfterSeconds);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(429);
        problem.GetProperty("detail").GetString()!.ShouldContain("limit 4");

        var health = await admin.GetFromJsonAsync<JsonElement>("/health");
        var pipeline = health.GetProperty("checks").GetProperty("pipeline");
        pipeline.GetProperty("status").GetString().ShouldBe("degraded");
        pipeline.GetProperty("data").GetProperty("backlog").GetInt64().ShouldBe(6);
        health.GetProperty("checks").GetProperty("store").GetProperty("data").GetProperty("oldestPendingAgeSeconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);

        gate.Release();
        await ServiceFactory.WaitForProcessedAsync(admin, 6);
        var again = await admin.PostAsJsonAsync("/api/intake/mentions", new[] { Mention($"bp-late-{token}", $"Lumo late {token}") });
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var after = await admin.GetFromJsonAsync<JsonElement>("/health");
        after.GetProperty("checks").GetProperty("pipeline").GetProperty("status").GetString().ShouldBe("healthy");
    }

    [Theory]
    [InlineData(300, 200, 100.0, 2)]
    [InlineData(201, 200, 1_000_000.0, 1)]
    [InlineData(10_000, 200, 0.0, 60)]
    [InlineData(100_000, 200, 10.0, 60)]
    public void Retry_After_is_the_time_to_work_back_under_ninety_percent_of_the_limit(long backlog, long limit, double rate, int expected) =>
        IntakeBackPressure.RetryAfterSeconds(backlog, limit, rate).ShouldBe(expected);

    /// <summary>Holds the pipeline in its observer step until released.</summary>
    private sealed class HeldObserver : IMentionObserver
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }
    }
}
