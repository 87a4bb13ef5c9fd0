using System.Net;
using System.Text.Json;
using CsCheck;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary>Issue 17, item 4: generated query strings never make search or stats answer 5xx, and every 400 names a parameter.</summary>
public sealed class QueryParameterFuzzWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private static readonly string[] Names = ["q", "from", "to", "interval", "utcOffset", "timeZone", "groupBy", "top", "pageSize", "sort", "minReach", "cursor", "sentiment"];
    private static readonly string[] Values =
    [
        "lumo AND", "OR", "(", ")", "\"", "NOT", "-", "refund*", "source:", "9999-12-31", "0001-01-01", "2026-11-02", "+14:00", "-14:00", "+13:45",
        "hour", "week", "day", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "abc", "-1", "0", "99999999999999999999", "退款", "%", "\u0000", "2026-13-45", "1e9",
    ];

    private readonly IndexingApiFixture fixture = new();

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public void Random_parameter_combinations_answer_200_or_a_400_naming_a_parameter_never_5xx()
    {
        var client = fixture.Client();
        var pair = Gen.Select(Gen.Int[0, Names.Length - 1], Gen.OneOf(Gen.Int[0, Values.Length - 1].Select(i => Values[i]), Gen.String[Gen.Char["ab ()\"-:*AND"], 0, 12]));
        Gen.Select(pair.Array[0, 4], Gen.Int[0, 2]).Sample((pairs, endpoint) =>
        {
            var path = new[] { "/api/mentions", "/api/mentions/stats", "/api/mentions/export" }[endpoint];
            var query = string.Join('&', pairs.Select(p => $"{Names[p.Item1]}={Uri.EscapeDataString(p.Item2)}"));
            var response = client.GetAsync($"{path}?{query}").GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();

            ((int)response.StatusCode).ShouldBeLessThan(500, $"{path}?{query}: {body}");
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
                errors.EnumerateObject().Select(e => e.Name).ShouldAllBe(name => Names.Contains(name), $"{path}?{query}");
            }
        }, iter: 400, threads: 1);
    }
}
