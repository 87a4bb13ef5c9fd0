using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentWatch.Tests.Api;

/// <summary>The alert desk's bad requests and misses on the real host: problem details that name the parameter, with a trace id.</summary>
public sealed class AlertsApiProblemTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.TryGetProperty("traceId", out _).ShouldBeTrue("a problem carries the trace id to quote to the operator");
        return problem;
    }

    [Theory]
    [InlineData("/api/alerts?page=abc", "page", "abc")]
    [InlineData("/api/alerts?page=99999999999", "page", "99999999999")]
    [InlineData("/api/alerts?pageSize=abc", "pageSize", "abc")]
    [InlineData("/api/alerts/1/mentions?page=abc", "page", "abc")]
    [InlineData("/api/alerts/1/mentions?page=99999999999", "page", "99999999999")]
    [InlineData("/api/alerts/1/mentions?pageSize=abc", "pageSize", "abc")]
    public async Task AQueryParameterThatIsNotANumber_IsAProblemSayingAWholeNumberIsWanted(string url, string parameter, string value)
    {
        var response = await service.ClientWithKey(ServiceFactory.PrKey).GetAsync(url);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty(parameter)[0].GetString().ShouldBe($"'{value}' is not a whole number (no quotes, no decimals).");
    }

    [Theory]
    [InlineData("9999999.00:00:00")]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("-10675199.02:48:05.4775808")]
    public async Task ASilenceLongerThanTimeCanHold_IsAProblemNamingTheDuration(string duration)
    {
        var response = await service.ClientWithKey(ServiceFactory.PrKey).PostAsJsonAsync("/api/alerts/silences", new { watch = "lumo", duration });

        (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("duration", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("GET", "/api/alerts/999/mentions")]
    [InlineData("POST", "/api/alerts/999/acknowledge")]
    [InlineData("POST", "/api/alerts/999/ack")]
    [InlineData("POST", "/api/alerts/999/resolve")]
    [InlineData("DELETE", "/api/alerts/silences/999")]
    [InlineData("GET", "/api/alerts/999/cases")]
    public async Task AnAlertOrSilenceThatDoesNotExist_IsANotFoundProblem(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);

        var problem = await ProblemAsync(await service.ClientWithKey(ServiceFactory.PrKey).SendAsync(request), HttpStatusCode.NotFound);

        problem.GetProperty("status").GetInt32().ShouldBe(404);
        problem.GetProperty("detail").GetString()!.ShouldContain("999");
    }

    [Fact]
    public async Task SilencingAnAlertThatDoesNotExist_IsANotFoundProblem()
    {
        var response = await service.ClientWithKey(ServiceFactory.PrKey).PostAsJsonAsync("/api/alerts/999/silence", new { duration = "01:00:00" });

        (await ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString().ShouldBe("there is no alert 999");
    }

    [Fact]
    public async Task TheCasesOfANonPositiveAlertId_AreAProblemNamingTheId()
    {
        var response = await service.ClientWithKey(ServiceFactory.PrKey).GetAsync("/api/alerts/-5/cases");

        (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("id", out _).ShouldBeTrue();
    }
}
