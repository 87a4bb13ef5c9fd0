using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentWatch.Tests.Api;

/// <summary>Issue 17, item 3: personal data in any field is gone from search results and the CSV export.</summary>
public sealed class RedactionEverywhereTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    [Fact]
    public async Task Personal_data_in_identifiers_urls_and_full_width_digits_never_reaches_search_or_export()
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        string[] secrets = ["13812345673", "１３８１２３４５６７３", "+44 20 7946 0958", "3101 1519 9003 0745 60", "josé.garcía@example.com", "4111 1111 1111 1112", "13912345678", "zs@example.com"];
        var mention = new
        {
            source = "app-feedback",
            externalId = "user-13912345678-" + token,
            url = $"https://app.example.com/u/13912345678/feedback?email=zs@example.com&t={token}",
            author = "张三 13812345673",
            threadId = "thread-zs@example.com",
            title = "退款 ＋４４ ２０ ７９４６ ０９５８",
            text = $"Lumo 退款 请联系 １３８１２３４５６７３ 或 +44 20 7946 0958，身份证 3101 1519 9003 0745 60，邮箱 josé.garcía@example.com，卡号 4111 1111 1111 1112 {token}",
            publishedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        };

        (await admin.PostAsJsonAsync("/api/intake/mentions", new[] { mention })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ServiceFactory.WaitForProcessedAsync(admin, 1);

        var search = await admin.GetStringAsync($"/api/mentions?q={token}");
        var export = await admin.GetStringAsync($"/api/mentions/export?q={token}");
        JsonDocument.Parse(search).RootElement.GetProperty("total").GetInt64().ShouldBe(1);
        foreach (var secret in secrets.Append("+44 20 7946 0958").Append("１３８"))
        {
            search.ShouldNotContain(secret);
            export.ShouldNotContain(secret);
        }

        search.ShouldContain("[phone]");
        search.ShouldContain("[id-number]");
        search.ShouldContain("[card]");
        search.ShouldContain("https://app.example.com/u/");
    }
}
