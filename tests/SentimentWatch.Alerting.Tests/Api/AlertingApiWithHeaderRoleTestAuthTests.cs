using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Api;

[Collection(HostCollection.Name)]
public sealed class AlertingApiWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Spike()
            .Rule("loud", "influencer", "*", ("MinReach", "100000"), ("Severity", "critical"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        _host = await AlertingTestHost.StartAsync(_data.Path, settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private async Task<long> OpenInfluencerAlertAsync(string watch)
    {
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), watch: watch, reach: 250_000)], default);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        var page = await _host.Client().GetFromJsonAsync<JsonElement>($"/api/alerts?status=open");
        return page.GetProperty("items").EnumerateArray().First(a => a.GetProperty("watch").GetString() == watch).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task ListingAlerts_FiltersByStatusAndPages()
    {
        await OpenInfluencerAlertAsync("w1");
        await OpenInfluencerAlertAsync("w2");
        var third = await OpenInfluencerAlertAsync("w3");
        var client = _host.Client();
        (await client.PostAsync($"/api/alerts/{third}/resolve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var firing = await client.GetFromJsonAsync<JsonElement>("/api/alerts?status=firing&pageSize=1&page=2");
        firing.GetProperty("total").GetInt32().ShouldBe(2);
        firing.GetProperty("items").GetArrayLength().ShouldBe(1);
        firing.GetProperty("items")[0].GetProperty("watch").GetString().ShouldBe("w1");

        var resolved = await client.GetFromJsonAsync<JsonElement>("/api/alerts?status=resolved");
        resolved.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("watch").GetString()).ShouldBe(["w3"]);
    }

    [Fact]
    public async Task GettingAnAlert_ShowsWhyItFired()
    {
        var id = await OpenInfluencerAlertAsync("brand");

        var alert = await _host.Client().GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");

        alert.GetProperty("kind").GetString().ShouldBe("influencer");
        alert.GetProperty("severity").GetString().ShouldBe("critical");
        alert.GetProperty("status").GetString().ShouldBe("firing");
        alert.GetProperty("summary").GetString()!.ShouldContain("250,000");
        alert.GetProperty("samples").GetArrayLength().ShouldBe(1);
        alert.GetProperty("notificationCount").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task AcknowledgingThenResolving_RecordsWhoAndSendsARecoveryNotice()
    {
        var id = await OpenInfluencerAlertAsync("brand");
        var client = _host.Client(user: "li.na");

        var acknowledged = await (await client.PostAsync($"/api/alerts/{id}/acknowledge", null)).Content.ReadFromJsonAsync<JsonElement>();
        acknowledged.GetProperty("status").GetString().ShouldBe("acknowledged");
        acknowledged.GetProperty("acknowledgedBy").GetString().ShouldBe("li.na");

        var resolved = await (await client.PostAsync($"/api/alerts/{id}/resolve", null)).Content.ReadFromJsonAsync<JsonElement>();
        resolved.GetProperty("status").GetString().ShouldBe("resolved");
        resolved.GetProperty("resolvedBy").GetString().ShouldBe("li.na");

        var recovery = await _receiver.NextAsync();
        recovery.Kind.ShouldBe("resolved");
        recovery.Json.GetProperty("resolvedBy").GetString().ShouldBe("li.na");

        var again = await client.PostAsync($"/api/alerts/{id}/acknowledge", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("already resolved");
    }

    [Fact]
    public async Task AckAsTheIssueNamesIt_AcknowledgesTheAlert()
    {
        var id = await OpenInfluencerAlertAsync("brand");

        var response = await _host.Client(user: "li.na").PostAsync($"/api/alerts/{id}/ack", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var acknowledged = await response.Content.ReadFromJsonAsync<JsonElement>();
        acknowledged.GetProperty("status").GetString().ShouldBe("acknowledged");
        acknowledged.GetProperty("acknowledgedBy").GetString().ShouldBe("li.na");
    }

    [Fact]
    public async Task SilencingAnAlert_SilencesItsIncidentAndTheNextFindingIsNotAnnounced()
    {
        var id = await OpenInfluencerAlertAsync("brand");
        var client = _host.Client(user: "li.na");

        var created = await client.PostAsJsonAsync($"/api/alerts/{id}/silence", new { duration = "02:00:00", reason = "statement published" });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var silence = await created.Content.ReadFromJsonAsync<JsonElement>();
        silence.GetProperty("watch").GetString().ShouldBe("brand");
        silence.GetProperty("rule").ValueKind.ShouldBe(JsonValueKind.Null, "an incident silence covers every rule of the incident");
        silence.GetProperty("alertId").GetInt64().ShouldBe(id);
        silence.GetProperty("createdBy").GetString().ShouldBe("li.na");
        silence.GetProperty("until").GetDateTimeOffset().ShouldBe(_host.Clock.GetUtcNow().AddHours(2));

        // Resolved by hand, then the condition clears and returns within the silence: recorded, nothing announced.
        (await client.PostAsync($"/api/alerts/{id}/resolve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Clock.Advance(TimeSpan.FromMinutes(30));
        await _host.Desk.EvaluateAllAsync(default);
        await _host.Desk.OnIndexedAsync([Mentions.Negative(_host.Clock.GetUtcNow(), reach: 300_000)], default);
        await using (var db = await _host.DbAsync())
        {
            db.Alerts.Count(a => a.WatchId == "brand" && a.Status != AlertStatus.Resolved).ShouldBe(1);
        }

        (await _receiver.ShouldReceiveNothingMoreAsync(_host, "the hand resolution and the return both fall within the silence")).Select(r => r.Kind).ShouldBe([NotificationKind.Opened]);
    }

    [Fact]
    public async Task SilencingAnAlert_ValidatesTheEndAndTheId()
    {
        var client = _host.Client();

        var unknown = await client.PostAsJsonAsync("/api/alerts/999/silence", new { duration = "01:00:00" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var id = await OpenInfluencerAlertAsync("brand");
        var past = await client.PostAsJsonAsync($"/api/alerts/{id}/silence", new { until = _host.Clock.GetUtcNow().AddMinutes(-5) });
        past.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await past.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("until", out _).ShouldBeTrue();

        var neither = await client.PostAsJsonAsync($"/api/alerts/{id}/silence", new { reason = "x" });
        neither.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await neither.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("duration", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task SilenceWithoutAnAlert_IsAlsoAcceptedAtTheSingularPath()
    {
        var response = await _host.Client().PostAsJsonAsync("/api/alerts/silence", new { watch = "brand", rule = "spike", duration = "00:30:00" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _host.Client().GetFromJsonAsync<JsonElement>("/api/alerts/silences"))[0].GetProperty("rule").GetString().ShouldBe("spike");
    }

    [Theory]
    [InlineData("/api/alerts?status=burning", "status")]
    [InlineData("/api/alerts?pageSize=1000", "pageSize")]
    [InlineData("/api/alerts?page=0", "page")]
    [InlineData("/api/alerts/abc", "id")]
    [InlineData("/api/alerts/-3", "id")]
    public async Task BadParameters_AreProblemDetailsNamingTheParameter(string url, string parameter)
    {
        var response = await _host.Client().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(parameter, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task UnknownAlert_IsNotFoundProblem()
    {
        var response = await _host.Client().PostAsync("/api/alerts/999/resolve", null);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("there is no alert 999");
    }

    [Fact]
    public async Task Silences_AreCreatedListedAndValidated()
    {
        var client = _host.Client();

        var created = await client.PostAsJsonAsync("/api/alerts/silences", new { watch = "brand", rule = "spike", duration = "01:00:00", reason = "launch day" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/alerts/silences");
        list.GetArrayLength().ShouldBe(1);
        list[0].GetProperty("createdBy").GetString().ShouldBe("pat");

        var bad = await client.PostAsJsonAsync("/api/alerts/silences", new { watch = "brand" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("duration", out _).ShouldBeTrue();

        var id = list[0].GetProperty("id").GetInt64();
        (await client.DeleteAsync($"/api/alerts/silences/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetFromJsonAsync<JsonElement>("/api/alerts/silences")).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("9999999.00:00:00")]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("-10675199.02:48:05.4775808")]
    public async Task ASilenceLongerThanTimeCanHold_IsRefusedNamingTheDuration(string duration)
    {
        var client = _host.Client();
        var id = await OpenInfluencerAlertAsync("brand");

        foreach (var (url, body) in new (string, object)[] { ("/api/alerts/silences", new { watch = "brand", duration }), ($"/api/alerts/{id}/silence", new { duration }) })
        {
            var response = await client.PostAsJsonAsync(url, body);

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, url);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("duration")[0].GetString()!.ShouldContain("within 30 days");
        }

        (await client.GetFromJsonAsync<JsonElement>("/api/alerts/silences")).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59.9999999+00:00")]
    [InlineData("0001-01-01T00:00:00+00:00")]
    public async Task ASilenceEndingAtTheEdgeOfTime_IsRefusedNamingUntil(string until)
    {
        var client = _host.Client();
        var id = await OpenInfluencerAlertAsync("brand");

        foreach (var (url, body) in new (string, object)[] { ("/api/alerts/silences", new { watch = "brand", until }), ($"/api/alerts/{id}/silence", new { until }) })
        {
            var response = await client.PostAsJsonAsync(url, body);

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, url);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("until", out _).ShouldBeTrue(url);
        }
    }

    [Fact]
    public async Task ASilenceOfExactlyThirtyDays_IsStillAccepted()
    {
        var response = await _host.Client().PostAsJsonAsync("/api/alerts/silences", new { watch = "brand", duration = "30.00:00:00" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("until").GetDateTimeOffset().ShouldBe(_host.Clock.GetUtcNow().AddDays(30));
    }

    [Theory]
    [InlineData("reason", 501)]
    [InlineData("rule", 201)]
    [InlineData("group", 301)]
    public async Task ASilenceWithAnOverlongTextField_IsRefusedNamingTheField(string field, int length)
    {
        var body = new Dictionary<string, object> { ["watch"] = "brand", ["duration"] = "01:00:00", [field] = new string('x', length) };
        var client = _host.Client();

        var response = await client.PostAsJsonAsync("/api/alerts/silences", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldContain($"at most {length - 1} characters");
        (await client.GetFromJsonAsync<JsonElement>("/api/alerts/silences")).GetArrayLength().ShouldBe(0);

        body[field] = new string('x', length - 1);
        (await client.PostAsJsonAsync("/api/alerts/silences", body)).StatusCode.ShouldBe(HttpStatusCode.Created, "the limit itself is allowed");
    }

    [Fact]
    public async Task ASilenceForAnOverlongWatchIdOrReason_IsRefused()
    {
        var client = _host.Client();
        var id = await OpenInfluencerAlertAsync("brand");

        var watch = await client.PostAsJsonAsync("/api/alerts/silences", new { watch = new string('w', 201), duration = "01:00:00" });
        watch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await watch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("watch")[0].GetString()!.ShouldContain("at most 200 characters");

        var reason = await client.PostAsJsonAsync($"/api/alerts/{id}/silence", new { duration = "01:00:00", reason = new string('r', 1_000_000) });
        reason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await reason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("reason")[0].GetString()!.ShouldContain("at most 500 characters");
        (await client.GetFromJsonAsync<JsonElement>("/api/alerts/silences")).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("/api/alerts?page=2147483647&pageSize=200")]
    [InlineData("/api/alerts?page=10000001")]
    [InlineData("/api/alerts/{id}/mentions?page=2147483647&pageSize=200")]
    [InlineData("/api/alerts/{id}/mentions?page=10737420&pageSize=200")]
    public async Task APageBeyondTheLimit_IsRefusedNamingPage(string url)
    {
        var id = await OpenInfluencerAlertAsync("brand");

        var response = await _host.Client().GetAsync(url.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("page")[0].GetString()!.ShouldContain("10000000");
    }

    [Theory]
    [InlineData("/api/alerts?page=10000000&pageSize=200")]
    [InlineData("/api/alerts/{id}/mentions?page=10000000&pageSize=200")]
    public async Task TheLastAllowedPage_IsEmptyAndLabelledAsAsked(string url)
    {
        var id = await OpenInfluencerAlertAsync("brand");

        var page = await _host.Client().GetFromJsonAsync<JsonElement>(url.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        page.GetProperty("page").GetInt32().ShouldBe(10_000_000);
        page.GetProperty("total").GetInt32().ShouldBe(1);
        page.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task ResolvingTwice_AnswersTheAlertAsItIsAndAnnouncesNothingMore()
    {
        var id = await OpenInfluencerAlertAsync("brand");
        var first = await (await _host.Client(user: "li.na").PostAsync($"/api/alerts/{id}/resolve", null)).Content.ReadFromJsonAsync<JsonElement>();
        (await _receiver.NextAsync()).Kind.ShouldBe("resolved");
        _host.Clock.Advance(TimeSpan.FromMinutes(3));

        var again = await _host.Client(user: "wang.wei").PostAsync($"/api/alerts/{id}/resolve", null);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var alert = await again.Content.ReadFromJsonAsync<JsonElement>();
        alert.GetProperty("status").GetString().ShouldBe("resolved");
        alert.GetProperty("resolvedBy").GetString().ShouldBe("li.na");
        alert.GetProperty("resolvedAt").GetDateTimeOffset().ShouldBe(first.GetProperty("resolvedAt").GetDateTimeOffset());
        alert.GetProperty("notificationCount").GetInt32().ShouldBe(first.GetProperty("notificationCount").GetInt32());
        var rows = await _receiver.ShouldReceiveNothingMoreAsync(_host, "a retried resolve sends no second recovery notice");
        rows.Count(r => r.Kind == NotificationKind.Resolved).ShouldBe(1);
        await using var db = await _host.DbAsync();
        db.Timeline.Count(t => t.AlertId == id && t.Kind == TimelineKinds.Resolved).ShouldBe(1, "the retry writes no second resolution on the timeline");
    }

    [Theory]
    [InlineData("GET", "/api/alerts/999/mentions", 404)]
    [InlineData("POST", "/api/alerts/999/acknowledge", 404)]
    [InlineData("POST", "/api/alerts/999/ack", 404)]
    [InlineData("POST", "/api/alerts/999/resolve", 404)]
    [InlineData("POST", "/api/alerts/999/silence", 404)]
    [InlineData("DELETE", "/api/alerts/silences/999", 404)]
    [InlineData("POST", "/api/alerts/{id}/acknowledge", 409)]
    public async Task NotFoundAndConflict_AreProblemDetailsWithATraceId(string method, string url, int status)
    {
        var client = _host.Client();
        var id = await OpenInfluencerAlertAsync("brand");
        (await client.PostAsync($"/api/alerts/{id}/resolve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (url.EndsWith("/silence", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(new { duration = "01:00:00" });
        }

        var response = await client.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.TryGetProperty("traceId", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("analyst", HttpStatusCode.Forbidden)]
    [InlineData("support", HttpStatusCode.Forbidden)]
    [InlineData("pr", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task AlertsApi_IsForPrAndAdminOnly(string? roles, HttpStatusCode expected)
    {
        var response = await _host.Client(roles).GetAsync("/api/alerts");

        response.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("analyst", HttpStatusCode.Forbidden)]
    [InlineData("pr", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task HangfireDashboard_RequiresAnAuthenticatedPrOrAdmin(string? roles, HttpStatusCode expected)
    {
        var response = await _host.Client(roles).GetAsync("/hangfire");

        response.StatusCode.ShouldBe(expected);
    }
}
