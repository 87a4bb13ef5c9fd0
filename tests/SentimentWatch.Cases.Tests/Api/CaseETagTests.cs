using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Api;

/// <summary>
/// What a case's ETag covers (decision 258). During a crisis a hot case attracts a post every few seconds; each used to
/// move the ETag, so an agent's If-Match (and the console's expected version) failed with 412 although nothing they
/// decided on had changed. Evidence the pipeline adds (another person's post, an alert link) and an SLA breach mark alone
/// leave the ETag as it was; the customer's answer that resumes a waiting case, and a breach that raises the priority,
/// still move it. On a SQLite file and on PostgreSQL, as the service runs on either.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CaseETagTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<PostgresTestDatabase?> DatabaseAsync(string provider) =>
        provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("caseetag") : null;

    private Task<CasesTestHost> StartAsync(PostgresTestDatabase? database, RecordingAlertDirectory? alerts = null, bool autoAssign = true)
    {
        var settings = new CasesSettings().With("Cases:Watches:0:AutoAssign", autoAssign ? "true" : "false");
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", "postgresql").With("Storage:ConnectionString", database.ConnectionString);
        }

        return CasesTestHost.StartAsync(_data.Path, settings, services: s =>
        {
            if (alerts is not null)
            {
                s.AddSingleton<IAlertDirectory>(alerts);
            }
        });
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task An_agents_assign_and_transition_go_through_with_the_etag_they_read_while_the_pipeline_attaches_other_peoples_posts_and_links_an_alert(string provider)
    {
        var alerts = new RecordingAlertDirectory();
        await using var database = await DatabaseAsync(provider);
        await using var host = await StartAsync(database, alerts, autoAssign: false);
        var at = host.Clock.GetUtcNow();
        var first = Complaints.Make(at, text: "card charged twice at the Lumo store on Nanjing road", author: "first.customer", threadId: "t-9");
        await host.Desk.OnIndexedAsync([first], default);
        var id = await CaseOfAsync(host, first.Id);
        var client = host.Client(user: "li.na");
        var (_, etag) = await GetAsync(client, id);

        // While the agent decides, another customer complains in the thread.
        await host.Desk.OnIndexedAsync([Complaints.Make(at.AddMinutes(1), text: "same here, charged twice and no refund yet", author: "second.customer", threadId: "t-9")], default);
        var assign = await PostAsync(client, $"/api/cases/{id}/assign", new { agent = "zhao.min" }, etag);

        assign.StatusCode.ShouldBe(HttpStatusCode.OK, await assign.Content.ReadAsStringAsync());
        etag = assign.Headers.ETag!.ToString();

        // Then a post in the thread that is evidence of a crisis alert: attached, and the case linked to the alert.
        var evidence = Complaints.Make(at.AddMinutes(2), text: "the lumo double charge is everywhere today", author: "third.customer", threadId: "t-9");
        alerts.Open(9, evidence.Id);
        await host.Desk.OnIndexedAsync([evidence], default);
        var (detail, etagAfterEvidence) = await GetAsync(client, id);
        etagAfterEvidence.ShouldBe(etag, "more evidence changes nothing the agent decides on");
        detail.GetProperty("mentions").GetArrayLength().ShouldBe(3);
        detail.GetProperty("alertIds").EnumerateArray().Select(a => a.GetInt64()).ShouldBe([9L]);

        var transition = await PostAsync(client, $"/api/cases/{id}/transition", new { to = "in_progress" }, etag);

        transition.StatusCode.ShouldBe(HttpStatusCode.OK, await transition.Content.ReadAsStringAsync());
        var (final, _) = await GetAsync(client, id);
        final.GetProperty("case").GetProperty("owner").GetString().ShouldBe("zhao.min");
        final.GetProperty("case").GetProperty("status").GetString().ShouldBe("in_progress");
        var audit = final.GetProperty("audit").EnumerateArray().Select(a => (a.GetProperty("who").GetString(), a.GetProperty("what").GetString())).ToList();
        audit.Count(a => a == ("pipeline", "mention_attached")).ShouldBe(2);
        audit.ShouldContain(("pipeline", "alert_linked"));
        audit.ShouldContain(("li.na", "owner"));
        audit.ShouldContain(("li.na", "status"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_waiting_case_that_the_customers_own_answer_resumes_has_a_new_etag_and_the_agents_command_with_the_old_one_is_412_with_the_current_etag(string provider)
    {
        await using var database = await DatabaseAsync(provider);
        await using var host = await StartAsync(database);
        var complaint = Complaints.Make(host.Clock.GetUtcNow(), author: "waiting.customer", threadId: "t-77");
        await host.Desk.OnIndexedAsync([complaint], default);
        var id = await CaseOfAsync(host, complaint.Id);
        var client = host.Client(user: "li.na");
        var waiting = await PostAsync(client, $"/api/cases/{id}/transition", new { to = "waiting_on_customer", reason = "asked for the order number" }, "*");
        waiting.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = waiting.Headers.ETag!.ToString();

        // The customer answers in the thread (not a complaint, still their answer): the case resumes.
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        var answer = Complaints.Make(host.Clock.GetUtcNow(), text: "订单号是 20261201-8812，谢谢", topic: ComplaintTopics.Other, negative: 0.05f, author: "Waiting.Customer", threadId: "t-77") with { Watches = [] };
        await host.Desk.OnIndexedAsync([answer], default);
        var resolve = await PostAsync(client, $"/api/cases/{id}/transition", new { to = "resolved", summary = "no answer from the customer", rootCause = "no_fault_found" }, etag);

        resolve.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, await resolve.Content.ReadAsStringAsync());
        var currentETag = (await resolve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldNotBeNull();
        var (detail, etagNow) = await GetAsync(client, id);
        currentETag.ShouldBe(etagNow);
        currentETag.ShouldNotBe(etag);
        detail.GetProperty("case").GetProperty("status").GetString().ShouldBe("in_progress", "the customer's answer resumed it; the stale resolution wrote nothing");
        detail.GetProperty("audit").EnumerateArray().Count(a => a.GetProperty("what").GetString() == "resolution").ShouldBe(0);
        (await PostAsync(client, $"/api/cases/{id}/notes", new { text = "customer sent the order number" }, currentETag)).StatusCode.ShouldBe(HttpStatusCode.OK, "reloaded, the agent goes on");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task An_sla_breach_moves_the_etag_when_it_raises_the_priority_and_leaves_it_when_it_only_marks_the_clock_breached(string provider)
    {
        var alerts = new RecordingAlertDirectory();
        await using var database = await DatabaseAsync(provider);
        await using var host = await StartAsync(database, alerts, autoAssign: false);
        var at = host.Clock.GetUtcNow();
        // P1 (in an open alert; 1 h to first response on 24x7): already the top priority, a breach cannot raise it.
        var urgent = Complaints.Make(at, text: "lumo app charged my card three times", author: "p1.customer");
        alerts.Open(5, urgent.Id);
        // P4 (18 office hours): its breach raises it to P3.
        var routine = Complaints.Make(at, text: "门店把我的订单退款拒了，说超过七天", author: "p4.customer");
        await host.Desk.OnIndexedAsync([urgent, routine], default);
        var urgentId = await CaseOfAsync(host, urgent.Id);
        var routineId = await CaseOfAsync(host, routine.Id);
        var client = host.Client(user: "li.na");
        var (urgentBefore, urgentETag) = await GetAsync(client, urgentId);
        var (routineBefore, routineETag) = await GetAsync(client, routineId);
        urgentBefore.GetProperty("case").GetProperty("priority").GetString().ShouldBe("P1");
        routineBefore.GetProperty("case").GetProperty("priority").GetString().ShouldBe("P4");

        host.Clock.Advance(TimeSpan.FromDays(7));
        await host.SlaWatch.RunAsync(default);

        var (urgentAfter, urgentETagAfter) = await GetAsync(client, urgentId);
        urgentAfter.GetProperty("audit").EnumerateArray().Count(a => a.GetProperty("what").GetString() == "sla_breach").ShouldBe(2, "first response and resolution");
        urgentAfter.GetProperty("case").GetProperty("priority").GetString().ShouldBe("P1");
        urgentETagAfter.ShouldBe(urgentETag, "a breach mark alone changes nothing the agent decides on");
        (await PostAsync(client, $"/api/cases/{urgentId}/assign", new { agent = "zhao.min" }, urgentETag)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (routineAfter, routineETagAfter) = await GetAsync(client, routineId);
        routineAfter.GetProperty("case").GetProperty("priority").GetString().ShouldBe("P3");
        routineETagAfter.ShouldNotBe(routineETag, "the raised priority is the agent's business");
        var stale = await PostAsync(client, $"/api/cases/{routineId}/assign", new { agent = "zhao.min" }, routineETag);
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldBe(routineETagAfter);
    }

    private static async Task<long> CaseOfAsync(CasesTestHost host, string mentionId)
    {
        await using var db = await host.DbAsync();
        return await db.Mentions.Where(m => m.MentionId == mentionId).Select(m => m.CaseId).SingleAsync();
    }

    private static async Task<(JsonElement Json, string ETag)> GetAsync(HttpClient client, long id)
    {
        var response = await client.GetAsync($"/api/cases/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
