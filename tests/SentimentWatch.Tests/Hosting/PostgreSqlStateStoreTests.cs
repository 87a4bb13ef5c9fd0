using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SentimentWatch.Testing;

namespace SentimentWatch.Tests.Hosting;

/// <summary>The real host with <c>--Storage:Provider=postgresql</c>: every context on a real PostgreSQL database.</summary>
public sealed class PostgreSqlStateStoreTests
{
    [Fact]
    public async Task TheHostOnPostgreSqlTakesMentionsThroughIntakeAndProcessesThem()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync("host");
        using var service = new ServiceFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Storage:Provider"] = "postgresql",
                ["Storage:ConnectionString"] = database.ConnectionString,
            },
        };
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = "zq" + Guid.NewGuid().ToString("N")[..8];
        var mentions = new[]
        {
            new { source = "app-feedback", externalId = "pg-1-" + token, text = $"绿莫的退款一直没到账 {token} 请联系 13800138000", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5) },
            new { source = "app-feedback", externalId = "pg-2-" + token, text = $"Lumo refund still missing after two weeks {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-4) },
        };

        var response = await admin.PostAsJsonAsync("/api/intake/mentions", mentions);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await (await admin.PostAsJsonAsync("/api/intake/mentions", mentions)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("alreadyKnown").GetInt32().ShouldBe(2);

        await ServiceFactory.WaitForProcessedAsync(admin, 2);
        var page = await service.ClientWithKey(ServiceFactory.AnalystKey).GetFromJsonAsync<JsonElement>($"/api/mentions?q={Uri.EscapeDataString("退款 " + token)}");
        page.GetProperty("total").GetInt64().ShouldBe(1);

        // The rows are in PostgreSQL (processed, lease released, phone number redacted), and no SQLite file was made.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("""SELECT count(*) FILTER (WHERE "State" = 1 AND "LeaseOwner" IS NULL), bool_or("Text" LIKE '%13800138000%') FROM mentions""", connection);
        await using var reader = await query.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetInt64(0).ShouldBe(2);
        reader.GetBoolean(1).ShouldBeFalse();
        File.Exists(Path.Combine(service.DataDirectory, "state.db")).ShouldBeFalse();
    }
}
