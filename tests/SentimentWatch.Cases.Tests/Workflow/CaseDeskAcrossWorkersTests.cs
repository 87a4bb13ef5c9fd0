using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>
/// People's commands racing another worker's writes on the same state store. Each desk's writer gate is in-process, so
/// on PostgreSQL with several workers (and on one SQLite file with two desks) another desk can write between a
/// command's check and its save; the unique keys hold, and the person must get the answer they would have got had the
/// other write come first, not a 500. The other worker here is a second <see cref="CaseDesk"/> with a gate of its own
/// on the same database, and <see cref="MeanwhileOnAnotherWorker"/> makes it write at exactly the point of the race.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CaseDeskAcrossWorkersTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<PostgresTestDatabase?> DatabaseAsync(string provider) =>
        provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("caserace") : null;

    /// <summary>The host on a SQLite file, or on <paramref name="database"/> when there is one, with <paramref name="meanwhile"/> on the desk's contexts.</summary>
    private Task<CasesTestHost> StartAsync(PostgresTestDatabase? database, MeanwhileOnAnotherWorker meanwhile, Action<IServiceCollection>? services = null)
    {
        var settings = new CasesSettings();
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", "postgresql").With("Storage:ConnectionString", database.ConnectionString);
        }

        return CasesTestHost.StartAsync(_data.Path, settings, capabilities: b => b.AddIndexing(), services: s =>
        {
            s.ConfigureDbContext<CasesDbContext>(o => o.AddInterceptors(meanwhile));
            services?.Invoke(s);
        });
    }

    /// <summary>Another worker: the same services, its own desk and so its own writer gate.</summary>
    private static CaseDesk OtherWorker(CasesTestHost host) => ActivatorUtilities.CreateInstance<CaseDesk>(host.App.Services);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Opening_by_hand_a_mention_another_worker_puts_on_a_case_after_the_check_is_refused_with_409_naming_that_case_and_writes_nothing(string provider)
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync(provider);
        await using var host = await StartAsync(database, meanwhile);
        var mention = Complaints.Make(host.Clock.GetUtcNow(), text: "charged twice for the annual card, refund please", author: "race.customer");
        await host.App.Services.GetRequiredService<IMentionIndex>().UpsertAsync([mention], default);
        var other = OtherWorker(host);
        // Right after the desk has asked whether the mention is on a case (it is not yet), the other worker's
        // complaint intake opens a case for it and commits.
        meanwhile.Arm("case_mentions", mention.Id, () => other.OnIndexedAsync([mention], default).AsTask());

        var response = await host.Client(user: "zhao.min").PostAsJsonAsync("/api/cases", new { mentionId = mention.Id, note = "spotted by hand" });

        meanwhile.Fired.ShouldBeTrue("the other worker must have written between the desk's check and its save");
        meanwhile.FiredAfter.ShouldNotBeNull().ShouldContain("MentionId");
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        await using var db = await host.DbAsync();
        var onCase = await db.Mentions.Where(m => m.MentionId == mention.Id).Select(m => new { m.CaseId, m.Reason }).SingleAsync();
        onCase.Reason.ShouldBe("opened", "the other worker's intake opened the case");
        problem.GetProperty("caseId").GetInt64().ShouldBe(onCase.CaseId);
        problem.GetProperty("detail").GetString().ShouldBe($"mention '{mention.Id}' is already on case {onCase.CaseId}");
        // Nothing of the refused opening is left: no second case, no audit entry or note by the person.
        (await db.Cases.Select(c => c.Id).ToListAsync()).ShouldBe([onCase.CaseId]);
        (await db.Audit.CountAsync(a => a.Who == "zhao.min" || a.CaseId != onCase.CaseId)).ShouldBe(0);
        (await db.Notes.CountAsync()).ShouldBe(0);
    }

    /// <summary>
    /// PostgreSQL only (on SQLite the opening holds the write lock, and the other worker would wait for it). The first case a
    /// team ever gets creates the team's round-robin cursor; when another worker's intake creates it between the opening's
    /// look for it and its save, the opening is tried once more (it was a 500).
    /// </summary>
    [Fact]
    public async Task Opening_by_hand_while_another_worker_gives_the_team_its_first_case_opens_both_and_assigns_both()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var at = host.Clock.GetUtcNow();
        var byHand = Complaints.Make(at, text: "charged twice for the annual card, refund please", author: "first.customer");
        var other = Complaints.Make(at, text: "refund my double charge on the card now", author: "second.customer");
        await host.App.Services.GetRequiredService<IMentionIndex>().UpsertAsync([byHand], default);
        var worker = OtherWorker(host);
        // Right after the opening has looked for team care's cursor (there is none: the team never had a case), the other
        // worker's intake gives the team its first case, which creates the cursor, and commits.
        meanwhile.Arm("assignment_cursors", "care", () => worker.OnIndexedAsync([other], default).AsTask());

        var response = await host.Client(user: "zhao.min").PostAsJsonAsync("/api/cases", new { mentionId = byHand.Id, note = "spotted by hand" });

        meanwhile.Fired.ShouldBeTrue("the other worker must have created the cursor between the opening's read of it and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await using var db = await host.DbAsync();
        var cases = await db.Mentions.Where(m => m.MentionId == byHand.Id || m.MentionId == other.Id)
            .Join(db.Cases, m => m.CaseId, c => c.Id, (m, c) => new { m.MentionId, c.Id, c.Owner })
            .ToListAsync();
        cases.Count.ShouldBe(2);
        cases.Select(c => c.Id).Distinct().Count().ShouldBe(2, "one case per complaint");
        cases.ShouldAllBe(c => c.Owner != null, "round-robin assigned both");
        (await db.Notes.CountAsync()).ShouldBe(1, "the note of the opening that was tried again is written once");
        (await db.AssignmentCursors.CountAsync()).ShouldBe(1);
    }

    /// <summary>
    /// PostgreSQL only: on SQLite a merge takes the write lock before its first read, so no other writer can come between
    /// (the other worker would wait for the lock, and this test with it).
    /// </summary>
    [Fact]
    public async Task Merging_while_another_worker_links_the_survivor_to_the_merged_cases_alert_is_412_with_nothing_moved_and_a_retry_merges()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        var alerts = new RecordingAlertDirectory();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile, s => s.AddSingleton<IAlertDirectory>(alerts));
        var at = host.Clock.GetUtcNow();
        var first = Complaints.Make(at, text: "card charged twice at the Lumo store on Nanjing road", author: "m1", threadId: "t-1");
        var second = Complaints.Make(at, text: "my wife also got double charged, want refund", author: "m2");
        alerts.Open(9, second.Id);
        await host.Desk.OnIndexedAsync([first], default);
        await host.Desk.OnIndexedAsync([second], default);
        var survivor = await CaseOfAsync(host, first.Id);
        var merged = await CaseOfAsync(host, second.Id);
        // The survivor's thread goes on, and the post is evidence of the same alert: intake links the survivor to it.
        var later = Complaints.Make(at.AddMinutes(1), text: "still no refund for the double charge", author: "m3", threadId: "t-1");
        alerts.Alerts[9].Evidence.Add(later.Id);
        var other = OtherWorker(host);
        // Right after the merge has read which alerts the survivor is linked to (none yet).
        meanwhile.Arm("case_alert_links", survivor, () => other.OnIndexedAsync([later], default).AsTask());
        var client = host.Client(user: "zhao.min");

        var response = await MergeAsync(client, merged, survivor, "*");

        meanwhile.Fired.ShouldBeTrue("the other worker must have written between the merge's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, await response.Content.ReadAsStringAsync());
        var currentETag = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString();
        await using (var db = await host.DbAsync())
        {
            var m = await db.Cases.SingleAsync(c => c.Id == merged);
            currentETag.ShouldBe(CasesApi.ETag(merged, m.Version));
            m.MergedIntoId.ShouldBeNull();
            m.IsOpen.ShouldBeTrue();
            (await CaseOfAsync(host, second.Id)).ShouldBe(merged, "the merge moved nothing");
            (await CaseOfAsync(host, later.Id)).ShouldBe(survivor, "the other worker's attachment stands");
            (await db.AlertLinks.Where(l => l.AlertId == 9).Select(l => l.CaseId).OrderBy(x => x).ToListAsync()).ShouldBe(new[] { survivor, merged }.Order().ToList());
            (await db.Audit.CountAsync(a => a.Who == "zhao.min")).ShouldBe(0);
        }

        (await MergeAsync(client, merged, survivor, currentETag!)).StatusCode.ShouldBe(HttpStatusCode.OK, "reloaded, the merge goes through");
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.SingleAsync(c => c.Id == merged)).MergedIntoId.ShouldBe(survivor);
            (await CaseOfAsync(host, second.Id)).ShouldBe(survivor);
            (await db.AlertLinks.CountAsync(l => l.CaseId == survivor && l.AlertId == 9)).ShouldBe(1);
        }
    }

    /// <summary>PostgreSQL only, as the merge above: on SQLite a transition takes the write lock before it reads the case.</summary>
    [Fact]
    public async Task Resolving_a_case_another_worker_resolved_after_it_was_read_is_412_and_leaves_the_other_resolution_alone()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var mention = Complaints.Make(host.Clock.GetUtcNow(), text: "card charged twice at the Lumo store", author: "m1");
        await host.Desk.OnIndexedAsync([mention], default);
        var id = await CaseOfAsync(host, mention.Id);
        var other = OtherWorker(host);
        // Right after this resolution has looked for the cycle's follow-up (none yet), the other worker resolves the case.
        meanwhile.Arm("case_follow_ups", id, () => other.TransitionAsync(id, null, "resolved", "refunded", "billing_error", null, "li.na", default));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/transition")
        {
            Content = JsonContent.Create(new { to = "resolved", summary = "refunded as well", rootCause = "billing_error" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var response = await host.Client(user: "zhao.min").SendAsync(request);

        meanwhile.Fired.ShouldBeTrue("the other worker must have written between the resolution's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, await response.Content.ReadAsStringAsync());
        await using var db = await host.DbAsync();
        var c = await db.Cases.SingleAsync(x => x.Id == id);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldBe(CasesApi.ETag(id, c.Version));
        c.ResolutionSummary.ShouldBe("refunded");
        (await db.FollowUps.CountAsync(f => f.CaseId == id)).ShouldBe(1);
        (await db.Audit.CountAsync(a => a.Who == "zhao.min")).ShouldBe(0);
        (await db.Audit.CountAsync(a => a.CaseId == id && a.What == "resolution")).ShouldBe(1);
    }

    /// <summary>
    /// PostgreSQL only, as the tests above. The other worker's intake attaches another customer's post to the case after
    /// the assignment read it: the row changed under the command (its save fails on the row version), but not its ETag, so
    /// the command is tried again on the case as it is now and goes through (decision 258). Before, the person got 412.
    /// </summary>
    [Fact]
    public async Task An_attachment_another_worker_writes_between_an_assignments_read_and_its_save_leaves_the_assignment_to_go_through()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var at = host.Clock.GetUtcNow();
        var first = Complaints.Make(at, text: "card charged twice at the Lumo store on Nanjing road", author: "m1", threadId: "t-1");
        await host.Desk.OnIndexedAsync([first], default);
        var id = await CaseOfAsync(host, first.Id);
        var client = host.Client(user: "zhao.min");
        var etag = (await client.GetAsync($"/api/cases/{id}")).Headers.ETag!.ToString();
        var other = OtherWorker(host);
        var another = Complaints.Make(at.AddMinutes(1), text: "same here, charged twice and no refund yet", author: "m2", threadId: "t-1");
        // Right after the assignment has read the case.
        meanwhile.Arm("cases", id, () => other.OnIndexedAsync([another], default).AsTask());

        var response = await PostAsync(client, $"/api/cases/{id}/assign", new { agent = "chen.yu" }, etag);

        meanwhile.Fired.ShouldBeTrue("the other worker must have written between the assignment's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await using var db = await host.DbAsync();
        (await db.Cases.SingleAsync(c => c.Id == id)).Owner.ShouldBe("chen.yu");
        (await CaseOfAsync(host, another.Id)).ShouldBe(id, "the other worker's attachment stands");
        (await db.Audit.CountAsync(a => a.CaseId == id && a.Who == "zhao.min" && a.What == "owner")).ShouldBe(1, "assigned once, not once per attempt");
    }

    /// <summary>
    /// PostgreSQL only. The other worker's intake attaches the customer's own answer after the command read the waiting
    /// case: the case resumed, which the person did not see, so the command is 412 with nothing of it written.
    /// </summary>
    [Fact]
    public async Task The_customers_answer_another_worker_attaches_between_a_commands_read_and_its_save_makes_the_command_412()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var complaint = Complaints.Make(host.Clock.GetUtcNow(), author: "waiting.customer", threadId: "t-77");
        await host.Desk.OnIndexedAsync([complaint], default);
        var id = await CaseOfAsync(host, complaint.Id);
        var client = host.Client(user: "zhao.min");
        var waiting = await PostAsync(client, $"/api/cases/{id}/transition", new { to = "waiting_on_customer", reason = "asked for the order number" }, "*");
        waiting.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = waiting.Headers.ETag!.ToString();
        var other = OtherWorker(host);
        var answer = Complaints.Make(host.Clock.GetUtcNow(), text: "订单号是 20261201-8812，谢谢", topic: ComplaintTopics.Other, negative: 0.05f, author: "waiting.customer", threadId: "t-77") with { Watches = [] };
        meanwhile.Arm("cases", id, () => other.OnIndexedAsync([answer], default).AsTask());

        var response = await PostAsync(client, $"/api/cases/{id}/transition", new { to = "resolved", summary = "no answer from the customer", rootCause = "no_fault_found" }, etag);

        meanwhile.Fired.ShouldBeTrue("the other worker must have written between the transition's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, await response.Content.ReadAsStringAsync());
        await using var db = await host.DbAsync();
        var c = await db.Cases.SingleAsync(x => x.Id == id);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldBe(CasesApi.ETag(id, c.Version));
        c.Status.ShouldBe(CaseStatus.InProgress, "resumed by the customer's answer, not resolved");
        (await db.Audit.CountAsync(a => a.CaseId == id && a.What == "resolution")).ShouldBe(0);
    }

    /// <summary>
    /// PostgreSQL only. Two people read the case at the same ETag and act on two workers; the other worker's assignment
    /// commits after this one read the case. Retrying past writes that leave the ETag alone must not let this one
    /// overwrite that: it is 412, and the other person's assignment stands.
    /// </summary>
    [Fact]
    public async Task Two_people_assigning_one_case_on_two_workers_at_once_one_gets_412_and_the_others_assignment_stands()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var mention = Complaints.Make(host.Clock.GetUtcNow(), text: "card charged twice at the Lumo store", author: "m1");
        await host.Desk.OnIndexedAsync([mention], default);
        var id = await CaseOfAsync(host, mention.Id);
        var client = host.Client(user: "zhao.min");
        var etag = (await client.GetAsync($"/api/cases/{id}")).Headers.ETag!.ToString();
        int version;
        await using (var db = await host.DbAsync())
        {
            version = (await db.Cases.SingleAsync(c => c.Id == id)).Version;
        }

        var other = OtherWorker(host);
        meanwhile.Arm("cases", id, async () =>
            (await other.AssignAsync(id, version, "li.na", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok));

        var response = await PostAsync(client, $"/api/cases/{id}/assign", new { agent = "chen.yu" }, etag);

        meanwhile.Fired.ShouldBeTrue("the other person's assignment must have committed between this one's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, await response.Content.ReadAsStringAsync());
        await using (var db = await host.DbAsync())
        {
            var c = await db.Cases.SingleAsync(x => x.Id == id);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldBe(CasesApi.ETag(id, c.Version));
            c.Owner.ShouldBe("li.na");
            (await db.Audit.CountAsync(a => a.Who == "zhao.min")).ShouldBe(0);
        }
    }

    /// <summary>
    /// PostgreSQL only. A note without If-Match acts on the case as it is: when another person's assignment commits between
    /// the note's read and its save, the note is tried again and saved (it was a 412 the client never asked for), and the
    /// assignment stands.
    /// </summary>
    [Fact]
    public async Task A_note_sent_without_if_match_while_another_person_assigns_the_case_on_another_worker_is_saved()
    {
        var meanwhile = new MeanwhileOnAnotherWorker();
        await using var database = await DatabaseAsync("postgresql");
        await using var host = await StartAsync(database, meanwhile);
        var mention = Complaints.Make(host.Clock.GetUtcNow(), text: "card charged twice at the Lumo store", author: "m1");
        await host.Desk.OnIndexedAsync([mention], default);
        var id = await CaseOfAsync(host, mention.Id);
        int version;
        await using (var db = await host.DbAsync())
        {
            version = (await db.Cases.SingleAsync(c => c.Id == id)).Version;
        }

        var other = OtherWorker(host);
        meanwhile.Arm("cases", id, async () =>
            (await other.AssignAsync(id, version, "li.na", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok));

        var response = await host.Client(user: "zhao.min").PostAsJsonAsync($"/api/cases/{id}/notes", new { text = "called the store, they will refund" });

        meanwhile.Fired.ShouldBeTrue("the other person's assignment must have committed between the note's read and its save");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.SingleAsync(x => x.Id == id)).Owner.ShouldBe("li.na");
            (await db.Notes.Where(n => n.CaseId == id).Select(n => n.Text).ToListAsync()).ShouldBe(["called the store, they will refund"]);
        }
    }

    private static async Task<long> CaseOfAsync(CasesTestHost host, string mentionId)
    {
        await using var db = await host.DbAsync();
        return await db.Mentions.Where(m => m.MentionId == mentionId).Select(m => m.CaseId).SingleAsync();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> MergeAsync(HttpClient client, long id, long into, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/merge") { Content = JsonContent.Create(new { into }) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
