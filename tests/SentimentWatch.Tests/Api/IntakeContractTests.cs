using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Tests.Api;

/// <summary>Issue 17, item 2: every intake field is bounded at the door, and refusals name the field in plain words.</summary>
public sealed class IntakeContractTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private static Dictionary<string, object?> Mention(string token) => new()
    {
        ["source"] = "app-feedback",
        ["externalId"] = "c-" + token,
        ["url"] = $"https://app.example.com/feedback/{token}",
        ["author"] = "customer",
        ["text"] = $"Lumo refund still missing {token}",
        ["publishedAt"] = DateTimeOffset.UtcNow.AddMinutes(-5),
    };

    [Theory]
    [InlineData("publishedAt", "0001-01-01T00:00:00Z", "publishedAt must be from 2000-01-01")]
    [InlineData("publishedAt", "9999-12-31T00:00:00Z", "publishedAt must be from 2000-01-01")]
    [InlineData("author", "40000", "author must be at most 200 characters (was 40000)")]
    [InlineData("language", "40000", "language must be a language tag")]
    [InlineData("threadId", "40000", "threadId must be at most 500 characters (was 40000)")]
    [InlineData("externalId", "40000", "externalId must be at most 500 characters (was 40000)")]
    [InlineData("title", "40000", "title must be at most 1000 characters (was 40000)")]
    [InlineData("url", "40000", "url must be at most 2048 characters")]
    [InlineData("source", "40000", "source must be at most 100 characters")]
    [InlineData("source", "app feedback", "source may hold letters, digits and . _ - : / only (found U+0020)")]
    [InlineData("author", "nul\u0000inside", "author must not contain control characters (found U+0000)")]
    [InlineData("threadId", "bell\u0007", "threadId must not contain control characters (found U+0007)")]
    [InlineData("text", "\u0000\u0001\u0002", "text holds only control characters")]
    public async Task A_field_outside_the_contract_is_refused_at_the_door_with_a_400_naming_it(string field, string value, string expected)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var item = Mention(Guid.NewGuid().ToString("N")[..8]);
        item[field] = value == "40000" ? new string('a', 40_000) : field == "publishedAt" ? DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;

        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[] { item });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).ShouldBe([$"[0].{field}"]);
        errors.GetProperty($"[0].{field}")[0].GetString()!.ShouldContain(expected);
    }

    // The sweep of 5 December: reach = long.MaxValue was accepted, then the incident desk's window sum overflowed and skipped the post.
    [Theory]
    [InlineData("reach", 9223372036854775807L)]
    [InlineData("shares", 100000000001L)]
    public async Task An_engagement_count_above_the_bound_is_refused_and_the_bound_itself_is_accepted(string field, long value)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var item = Mention(Guid.NewGuid().ToString("N")[..8]);
        item[field] = value;

        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[] { item });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty($"[0].{field}")[0].GetString()!.ShouldBe($"{field} must be at most 100,000,000,000 (was {value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)})");

        item[field] = MentionContract.MaxEngagement;
        (await admin.PostAsJsonAsync("/api/intake/mentions", new[] { item })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task NUL_and_other_control_characters_in_free_text_are_removed_before_storing()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        var item = Mention(token);
        item["text"] = $"Lumo\u0000 refund\u0007 late\u001b[31m\nsecond line {token}";
        item["title"] = "title\u0000with nul";

        (await admin.PostAsJsonAsync("/api/intake/mentions", new[] { item })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ServiceFactory.WaitForProcessedAsync(admin, 1);

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/mentions?q={token}");
        var mention = page.GetProperty("hits")[0].GetProperty("mention");
        mention.GetProperty("text").GetString().ShouldBe($"Lumo refund late[31m\nsecond line {token}");
        mention.GetProperty("title").GetString().ShouldBe("titlewith nul");
    }

    [Theory]
    [InlineData("reach", "\"many\"", "reach must be a whole number")]
    [InlineData("reach", "1.5", "reach must be a whole number")]
    [InlineData("reach", "99999999999999999999999", "reach must be a whole number")]
    [InlineData("publishedAt", "12345", "publishedAt must be a date-time string in ISO 8601")]
    [InlineData("publishedAt", "\"2026-11-20T10:00:00\"", "publishedAt must be a date-time string in ISO 8601 with an offset")]
    [InlineData("publishedAt", "\"2026-11-20\"", "publishedAt must be a date-time string in ISO 8601 with an offset")]
    [InlineData("text", "{\"a\":1}", "text must be a string")]
    [InlineData("author", "[1,2]", "author must be a string")]
    public async Task A_value_of_the_wrong_JSON_type_is_named_with_the_expected_type_in_plain_words(string field, string json, string expected)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var body = $"[{{\"source\":\"app\",\"text\":\"t\",\"publishedAt\":\"2026-11-20T00:00:00Z\",\"{field}\":{json}}}]";

        var response = await admin.PostAsync("/api/intake/mentions", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var content = await response.Content.ReadAsStringAsync();
        content.ShouldNotContain("System.");
        content.ShouldNotContain("`1");
        var errors = JsonDocument.Parse(content).RootElement.GetProperty("errors");
        errors.GetProperty($"[0].{field}")[0].GetString()!.ShouldContain(expected);
    }

    [Fact]
    public async Task A_body_that_is_not_an_array_says_what_shape_to_send()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);

        var response = await admin.PostAsync("/api/intake/mentions", new StringContent("{\"source\":\"x\"}", Encoding.UTF8, "application/json"));

        var content = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        content.ShouldContain("The body must be a JSON array of mention objects");
        content.ShouldNotContain("System.");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("100000")]
    public async Task A_bad_parked_limit_is_a_problem_naming_the_parameter(string limit)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);

        var response = await admin.GetAsync($"/api/pipeline/parked?limit={limit}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("limit")[0].GetString()!.ShouldContain($"'{limit}' is not a whole number from 1 to 1000");
    }

    [Fact]
    public async Task A_POST_to_the_jobs_dashboard_without_a_form_is_415_not_500()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);

        var response = await admin.PostAsync("/hangfire/stats", new StringContent("{}", Encoding.UTF8, "application/json"));
        var bare = await admin.PostAsync("/hangfire/stats", null);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        bare.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var form = await admin.PostAsync("/hangfire/stats", new FormUrlEncodedContent([]));
        ((int)form.StatusCode).ShouldBeLessThan(500);
    }

    [Fact]
    public void The_README_API_table_documents_every_rule_of_the_contract()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        foreach (var (field, rule) in MentionContract.Rules)
        {
            readme.ShouldContain($"| `{field}` | {rule} |", Case.Sensitive, $"README's intake field table lacks the rule for {field}");
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SentimentWatch.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("SentimentWatch.sln not found above the test binaries");
    }
}
