using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SentimentWatch.Tests.Api;

/// <summary>
/// The support desk through the real host and the root configuration: intake API → ledger →
/// pipeline (real models, Lucene on disk) → case opened and assigned round-robin → reply →
/// resolve → follow-up due → satisfaction → metrics. The follow-up delay is shortened to a
/// second so the test does not wait two days.
/// </summary>
public sealed class CasesEndToEndTests : IDisposable
{
    private readonly ServiceFactory _service = new();
    private readonly WebApplicationFactory<Program> _host;

    public CasesEndToEndTests() =>
        _host = _service.WithWebHostBuilder(b => b.UseSetting("Cases:FollowUpDelay", "00:00:01"));

    public void Dispose()
    {
        _host.Dispose();
        _service.Dispose();
    }

    private HttpClient Client(string key)
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response;
    }

    [Fact]
    public async Task AComplaintFromIntake_BecomesACase_IsWorkedToSatisfaction_AndShowsInTheMetrics()
    {
        var admin = Client(ServiceFactory.AdminKey);
        var support = Client(ServiceFactory.SupportKey);
        // Within Cases:SlaMaxBackdate (15 minutes, decision 226), so the clock starts at the post itself.
        var posted = DateTimeOffset.UtcNow.AddMinutes(-5);
        var token = Guid.NewGuid().ToString("N")[..8];
        var intake = await admin.PostAsJsonAsync("/api/intake/mentions", new object[]
        {
            // A post from the demo's complaint storm: the shipped models score it a negative complaint.
            new { source = "tieba", externalId = "e2e-" + token, url = $"https://tieba.example.com/p/{token}", author = "阿May", title = "绿莫会员卡重复扣费怎么退款",
                  text = "求助：绿莫会员卡被扣了两次费，申请退款客服说要7-15个工作日，有人退成功过吗", publishedAt = posted, reach = 7286 },
            // A hotline note is a complaint by definition, whatever the model says of its calm wording.
            new { source = "hotline", externalId = "call-" + token, author = "caller-" + token, text = "Customer called about the Lumo app: asks when the store on Main Street reopens.",
                  publishedAt = posted, directComplaint = true },
        });
        intake.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ServiceFactory.WaitForProcessedAsync(admin, 2);

        var queue = await support.GetFromJsonAsync<JsonElement>("/api/cases?status=all&pageSize=200");
        var items = queue.GetProperty("items").EnumerateArray().ToList();
        var complaint = items.Single(i => i.GetProperty("author").GetString() == "阿May");
        var hotline = items.Single(i => i.GetProperty("author").GetString() == "caller-" + token);
        hotline.GetProperty("directComplaint").GetBoolean().ShouldBeTrue();
        complaint.GetProperty("clockStartedAt").GetDateTimeOffset().ShouldBe(posted, TimeSpan.FromMilliseconds(1));
        // The demo team in appsettings.json, in rotation order, with each agent's skills.
        var team = new (string Agent, string[] Skills)[]
        {
            ("care-lead", ["*"]),
            ("agent-li", ["refund_return", "price_billing"]),
            ("agent-zhao", ["refund_return", "product_quality", "logistics"]),
            ("agent-chen", ["service_attitude", "product_quality", "privacy_security"]),
        };
        complaint.GetProperty("status").GetString().ShouldBe("assigned");
        complaint.GetProperty("owner").GetString().ShouldBe("care-lead", "a fresh rotation starts with the first agent");
        var hotlineCategory = hotline.GetProperty("category").GetString()!;
        var next = team.Skip(1).Concat(team.Take(1)).First(a => a.Skills.Contains("*") || a.Skills.Contains(hotlineCategory)).Agent;
        hotline.GetProperty("owner").GetString().ShouldBe(next, $"round-robin continues after care-lead with the next agent skilled in {hotlineCategory}");

        var id = complaint.GetProperty("id").GetInt64();
        var detail = await support.GetAsync($"/api/cases/{id}");
        var etag = detail.Headers.ETag!.ToString();
        var reply = await PostAsync(support, $"/api/cases/{id}/replies", new { text = "您好，重复扣费已原路退回，请留意到账。", channel = "public" });
        etag = reply.Headers.ETag!.ToString();
        var resolved = await PostAsync(support, $"/api/cases/{id}/transition", new { to = "resolved", summary = "Duplicate membership charge refunded", rootCause = "billing_error" }, etag);
        etag = resolved.Headers.ETag!.ToString();

        // The follow-up falls due after the (shortened) delay.
        JsonElement followUp = default;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var current = await support.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
            followUp = current.GetProperty("followUps")[0];
            if (followUp.GetProperty("due").GetBoolean())
            {
                break;
            }

            await Task.Delay(200);
        }

        followUp.GetProperty("due").GetBoolean().ShouldBeTrue();
        await PostAsync(support, $"/api/cases/{id}/satisfaction", new { score = 5, comment = "refund arrived" }, etag);

        var closed = await support.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        closed.GetProperty("case").GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("sla").GetProperty("firstResponse").GetProperty("metAt").ValueKind.ShouldBe(JsonValueKind.String);
        closed.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("who").GetString()).ShouldContain("support key 3", "the support key's default name (role and position) is who did it");

        var metrics = await support.GetFromJsonAsync<JsonElement>($"/api/cases/metrics?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}&groupBy=agent");
        var total = metrics.GetProperty("total");
        total.GetProperty("volume").GetInt32().ShouldBe(2);
        total.GetProperty("resolved").GetInt32().ShouldBe(1);
        total.GetProperty("satisfactionAverage").GetDouble().ShouldBe(5);
        total.GetProperty("satisfactionResponseRate").GetDouble().ShouldBe(1);
        // Business time on the demo's Shanghai calendar (P3), so it may be 0 when the test runs at night there.
        total.GetProperty("medianFirstResponseMinutes").ValueKind.ShouldBe(JsonValueKind.Number);
        total.GetProperty("medianResolutionMinutes").ValueKind.ShouldBe(JsonValueKind.Number);
        var ownerGroup = metrics.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == complaint.GetProperty("owner").GetString());
        ownerGroup.GetProperty("resolved").GetInt32().ShouldBe(1);

        var bytes = await support.GetByteArrayAsync($"/api/cases/export?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "a BOM, so spreadsheets read the Chinese right");
        var csv = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        csv.ShouldStartWith("id,opened_at");
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3, "a header and the two cases");
        csv.ShouldContain(",billing_error,");
    }
}
