using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace SentimentWatch.Tests.Api;

public sealed class IntakeApiTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private static object Mention(string externalId, string text) => new
    {
        source = "app-feedback",
        externalId,
        url = $"https://app.example.com/feedback/{externalId}",
        author = "customer",
        text,
        publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        reach = 10,
    };

    [Fact]
    public async Task AcceptsABatch_ReturnsTheIds_AndTheMentionsBecomeSearchable()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[]
        {
            Mention("fb-1-" + token, $"绿莫的退款一直没到账 {token}"),
            Mention("fb-2-" + token, $"Lumo refund still missing after two weeks {token}"),
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        receipt.GetProperty("ids").GetArrayLength().ShouldBe(2);
        receipt.GetProperty("accepted").GetInt32().ShouldBe(2);

        await ServiceFactory.WaitForProcessedAsync(admin, 2);
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);
        var page = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions?q={Uri.EscapeDataString("退款 " + token)}");
        page.GetProperty("total").GetInt64().ShouldBe(1);
        page.GetProperty("hits")[0].GetProperty("mention").GetProperty("watches").EnumerateArray().Select(w => w.GetString()).ShouldContain("lumo");
    }

    [Fact]
    public async Task TheSameMentionPostedTwice_IsStoredOnce()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        var batch = new[] { Mention("dup-" + token, $"Lumo app crashed at checkout {token}") };

        (await admin.PostAsJsonAsync("/api/intake/mentions", batch)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var second = await (await admin.PostAsJsonAsync("/api/intake/mentions", batch)).Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("accepted").GetInt32().ShouldBe(0);
        second.GetProperty("alreadyKnown").GetInt32().ShouldBe(1);

        await ServiceFactory.WaitForProcessedAsync(admin, 1);
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/mentions?q={token}");
        page.GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task PersonalDataIsRedactedBeforeItIsStored()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/intake/mentions", new[]
        {
            Mention("pii-" + token, $"绿莫退款请联系我 13800138000 或 jane.doe@example.com {token}"),
        })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await ServiceFactory.WaitForProcessedAsync(admin, 1);
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/mentions?q={token}");
        var text = page.GetProperty("hits")[0].GetProperty("mention").GetProperty("text").GetString()!;
        text.ShouldNotContain("13800138000");
        text.ShouldNotContain("jane.doe@example.com");
        text.ShouldContain("[phone]");
        text.ShouldContain("[email]");
    }

    [Fact]
    public async Task ABadItem_Gets400ProblemDetailsNamingTheField_AndNothingIsAccepted()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new object[]
        {
            Mention("ok-1", "Lumo is fine"),
            new { source = "app-feedback", text = "   ", publishedAt = DateTimeOffset.UtcNow },
            new { source = "app-feedback", text = "no date", url = "ftp://nope" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty("[1].text", out _).ShouldBeTrue();
        errors.TryGetProperty("[2].publishedAt", out _).ShouldBeTrue();
        errors.TryGetProperty("[2].url", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("{\"source\":\"x\"}", "$")]
    [InlineData("[{\"source\":\"x\",\"text\":\"t\",\"publishedAt\":\"yesterday\"}]", "[0].publishedAt")]
    [InlineData("[{\"source\":", "[0]")]
    [InlineData("[]", "$")]
    public async Task MalformedJson_Gets400NamingWhereItBroke(string body, string expectedPathPrefix)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var response = await admin.PostAsync("/api/intake/mentions", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldContain(n => n.StartsWith(expectedPathPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequeueingAMentionThatIsNotParked_IsANotFoundProblemWithATraceId()
    {
        var response = await service.ClientWithKey(ServiceFactory.AdminKey).PostAsync("/api/pipeline/parked/nope/requeue", null);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().ShouldBe("Mention 'nope' is not parked.");
        problem.TryGetProperty("traceId", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task ABodyOverTheLimit_Gets413()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var huge = new string('a', (int)SentimentWatch.Api.IntakeApi.MaxBodyBytes + 10);
        var response = await admin.PostAsync("/api/intake/mentions", new StringContent(huge, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AMentionTheIndexRejects_IsParkedWithItsReason_ListedForAdmins_AndRequeuedByThem_WithAnIndexThatRejectsOnePoisonTestDouble()
    {
        // The real host and index, behind a test double that refuses mentions carrying one word
        // until told otherwise: the only way to make the real pipeline park one.
        using var factory = new ServiceFactory
        {
            Settings = new Dictionary<string, string> { ["Pipeline:MaxIndexAttempts"] = "1", ["Pipeline:IndexRetryDelay"] = "00:00:00" },
        };
        var rejecting = true;
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            var real = services.Last(d => d.ServiceType == typeof(SentimentWatch.Core.Indexing.IMentionIndex));
            services.Remove(real);
            services.AddSingleton(provider => PoisonRejectingIndex.Wrap(
                (SentimentWatch.Core.Indexing.IMentionIndex)real.ImplementationFactory!(provider), "zzpoison", () => rejecting));
        }));
        var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ServiceFactory.AdminKey);

        (await admin.PostAsJsonAsync("/api/intake/mentions", new[] { Mention("good-1", "Lumo refund arrived"), Mention("bad-1", "Lumo zzpoison refund") }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);

        JsonElement parked = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (parked.ValueKind != JsonValueKind.Array || parked.GetArrayLength() == 0))
        {
            parked = await admin.GetFromJsonAsync<JsonElement>("/api/pipeline/parked");
            await Task.Delay(100);
        }

        var only = parked.EnumerateArray().ShouldHaveSingleItem();
        only.GetProperty("reason").GetString()!.ShouldContain("rejected by the test index");
        (await service.ClientWithKey(ServiceFactory.AnalystKey).GetAsync("/api/pipeline/parked")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.PostAsync("/api/pipeline/parked/no-such-id/requeue", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        rejecting = false;
        (await admin.PostAsync($"/api/pipeline/parked/{only.GetProperty("id").GetString()}/requeue", null)).IsSuccessStatusCode.ShouldBeTrue();
        await ServiceFactory.WaitForProcessedAsync(admin, 2);
        (await admin.GetFromJsonAsync<JsonElement>("/api/pipeline/parked")).GetArrayLength().ShouldBe(0);
    }

    /// <summary>Test double: forwards every call to the real index, but fails batches holding a poison word.</summary>
    public class PoisonRejectingIndex : System.Reflection.DispatchProxy
    {
        private SentimentWatch.Core.Indexing.IMentionIndex _inner = null!;
        private string _poison = string.Empty;
        private Func<bool> _rejecting = () => false;

        public static SentimentWatch.Core.Indexing.IMentionIndex Wrap(SentimentWatch.Core.Indexing.IMentionIndex inner, string poison, Func<bool> rejecting)
        {
            var proxy = Create<SentimentWatch.Core.Indexing.IMentionIndex, PoisonRejectingIndex>();
            var self = (PoisonRejectingIndex)(object)proxy;
            (self._inner, self._poison, self._rejecting) = (inner, poison, rejecting);
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name is "UpsertAsync" or "IndexAsync" && _rejecting()
                && args![0] is IReadOnlyList<SentimentWatch.Core.Mentions.Mention> batch && batch.Any(m => m.Text.Contains(_poison, StringComparison.Ordinal)))
            {
                return Task.FromException(new InvalidOperationException("rejected by the test index"));
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
