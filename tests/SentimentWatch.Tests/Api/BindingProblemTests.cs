using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SentimentWatch.Tests.Api;

/// <summary>Issue 17, item 2: the silences API answers problem details, and refuses a silence that would silence nothing.</summary>
public sealed class BindingProblemTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    [Theory]
    [InlineData("nope", "no watch 'nope' exists. Watch ids are case-sensitive. Known watches: lumo, lumo-refunds")]
    [InlineData("Lumo", "Watch ids are case-sensitive: did you mean 'lumo'?")]
    public async Task A_silence_for_a_watch_that_does_not_exist_is_refused_naming_the_known_watches(string watch, string expected)
    {
        var pr = service.ClientWithKey(ServiceFactory.PrKey);

        var response = await pr.PostAsJsonAsync("/api/alerts/silences", new { watch, duration = "01:00:00" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("watch")[0].GetString()!.ShouldContain(expected);
    }

    [Fact]
    public async Task A_silence_for_a_known_watch_or_all_watches_is_created()
    {
        var pr = service.ClientWithKey(ServiceFactory.PrKey);

        (await pr.PostAsJsonAsync("/api/alerts/silences", new { watch = "lumo", duration = "00:05:00" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await pr.PostAsJsonAsync("/api/alerts/silences", new { watch = "*", duration = "00:05:00" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("not json", "$", "The body is not valid JSON")]
    [InlineData("{\"watch\":\"lumo\",\"duration\":\"banana\"}", "duration", "duration must be a duration string such as \"01:30:00\"")]
    [InlineData("{\"watch\":\"lumo\",\"duration\":5}", "duration", "duration must be a duration string")]
    [InlineData("{\"watch\":7,\"duration\":\"01:00:00\"}", "watch", "watch must be a string")]
    [InlineData("{\"watch\":\"lumo\",\"until\":\"soon\"}", "until", "until must be a date-time string in ISO 8601")]
    public async Task A_malformed_silence_body_is_a_problem_naming_the_field_in_plain_words(string body, string field, string expected)
    {
        var pr = service.ClientWithKey(ServiceFactory.PrKey);

        var response = await pr.PostAsync("/api/alerts/silences", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var content = await response.Content.ReadAsStringAsync();
        content.ShouldNotContain("System.");
        JsonDocument.Parse(content).RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldContain(expected);
    }
}
