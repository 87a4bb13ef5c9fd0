using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsCheck;

namespace SentimentWatch.Tests.Api;

/// <summary>Issue 17, item 4: generated intake bodies get 202 or a problem naming the field, never 5xx.</summary>
public sealed partial class IntakeFuzzTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private static readonly string[] Fields = ["source", "externalId", "url", "author", "threadId", "title", "text", "language", "publishedAt", "reach", "likes", "directComplaint", "unknown"];

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        Gen.Const("null"),
        Gen.Const("true"),
        Gen.Const("[1,2]"),
        Gen.Const("{\"a\":1}"),
        Gen.Const("\"0001-01-01T00:00:00Z\""),
        Gen.Const("\"9999-12-31T23:59:59+14:00\""),
        Gen.Const("\"2026-11-20T14:03:00+08:00\""),
        Gen.Const("99999999999999999999999"),
        Gen.Const("-5"),
        Gen.Const("1.5"),
        Gen.Const("\"app-feedback\""),
        Gen.Const("\"https://example.com/p/1\""),
        Gen.Int[0, 50_000].Select(n => JsonSerializer.Serialize(new string('a', n))),
        Gen.String[Gen.Char, 0, 30].Select(s => JsonSerializer.Serialize(s)));

    [Fact]
    public void Random_mention_bodies_answer_202_or_a_problem_naming_the_field_never_5xx()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var item = Gen.Select(Gen.Int[0, Fields.Length - 1], JsonValue).Array[0, 8]
            .Select(pairs => "{" + string.Join(',', pairs.DistinctBy(p => p.Item1).Select(p => $"\"{Fields[p.Item1]}\":{p.Item2}")) + "}");
        Gen.OneOf(item.Array[0, 3].Select(items => "[" + string.Join(',', items) + "]"), Gen.String[Gen.Char["[]{}\",:0a "], 0, 20])
            .Sample(body =>
            {
                var response = admin.PostAsync("/api/intake/mentions", new StringContent(body, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                var content = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();

                ((int)response.StatusCode).ShouldBeLessThan(500, body);
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    content.ShouldNotContain("System.", Case.Sensitive, body);
                    var errors = JsonDocument.Parse(content).RootElement.GetProperty("errors");
                    errors.EnumerateObject().ShouldAllBe(e => FieldName().IsMatch(e.Name), $"{body} -> {content}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Accepted, $"{body} -> {content}");
                }
            }, iter: 300, threads: 1);
    }

    [GeneratedRegex(@"^(\$|\[\d+\](\.[A-Za-z]+)?)$")]
    private static partial Regex FieldName();
}
