using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Playbooks;

/// <summary>
/// The response plan on the desk (evidence straight into <see cref="IncidentDesk"/>), the real
/// SQLite file, real Hangfire and a webhook on 127.0.0.1, with the manual clock: steps start once,
/// escalation adds the stronger playbook, ticks are audited and idempotent, and an overdue step is
/// reminded exactly once per step and reopening, across restarts.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ResponsePlanWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private AlertingSettings Settings()
    {
        var settings = new AlertingSettings()
            .Rule("risk", "riskTerms", "brand", ("Severity", "warning"), ("MinCount", "1"), ("EscalateAt", "3"), ("Window", "00:30:00"), ("ClearFor", "02:00:00"),
                ("Terms", "food poisoning,食物中毒"))
            .Playbook("brand-warning", "brand", "warning",
                ("verify", "核实事实 / verify the facts", "PR on duty", "01:00:00", ""),
                ("reply", "回复原帖 / reply to the posts", "social team", "04:00:00", ""))
            .Playbook("brand-critical", "*", "critical",
                ("verify", "核实事实 / verify the facts", "PR on duty", "00:30:00", ""),
                ("holding-statement", "发布情况说明 / holding statement", "PR lead", "01:00:00", "legal review|post on Weibo"),
                ("root-cause", "发布调查结果 / root-cause statement", "PR lead", "1.00:00:00", ""))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings["Watches:0:Id"] = "brand";
        settings["Watches:0:Name"] = "Brand Co / 品牌";
        settings["Watches:0:Query"] = "brand";
        return settings;
    }

    private Task<AlertingTestHost> StartAsync(ManualClock? clock = null, AlertingSettings? settings = null) =>
        AlertingTestHost.StartAsync(_data.Path, settings ?? Settings(), clock, capabilities: b => b.Services.AddSingleton<SentimentWatch.Core.Pipeline.IWatchCatalog>(
            new TestWatchCatalog(new SentimentWatch.Core.Watches.Watch { Id = "brand", Name = "Brand Co / 品牌", Query = "brand" })));

    private static async Task<List<ResponseStep>> StepsAsync(AlertingTestHost host)
    {
        await using var db = await host.DbAsync();
        return await db.Steps.AsNoTracking().OrderBy(s => s.DueAt).ThenBy(s => s.StepId).ToListAsync();
    }

    private async Task<ReceivedWebhook> NextOfKindAsync(string kind)
    {
        while (true)
        {
            var next = await _receiver.NextAsync();
            if (next.Kind == kind)
            {
                return next;
            }
        }
    }

    [Fact]
    public async Task AnIncidentStartsItsPlaybookOnce_AcrossReEvaluationAndRestart_AndEscalationAddsTheStrongerPlaybook()
    {
        var clock = new ManualClock(AlertingTestHost.Start);
        var opened = clock.GetUtcNow();
        await using (var host = await StartAsync(clock))
        {
            await host.Desk.OnIndexedAsync([Mentions.Negative(opened.AddMinutes(-1), text: "food poisoning after the latte")], default);
            var steps = await StepsAsync(host);
            steps.Select(s => s.StepId).ShouldBe(["verify", "reply"]);
            steps.ShouldAllBe(s => s.PlaybookId == "brand-warning" && s.Severity == AlertSeverity.Warning);
            steps[0].DueAt.ShouldBe(opened.AddHours(1));

            clock.Advance(TimeSpan.FromMinutes(1));
            await host.Desk.EvaluateAllAsync(default);
            await host.Desk.OnIndexedAsync([Mentions.Negative(clock.GetUtcNow().AddSeconds(-5), text: "food poisoning again")], default);
            (await StepsAsync(host)).Count.ShouldBe(2, "re-evaluation starts nothing twice");
        }

        await using (var host = await StartAsync(clock))
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await host.Desk.EvaluateAllAsync(default);
            (await StepsAsync(host)).Count.ShouldBe(2, "a restart starts nothing twice");

            // Three risk-term posts reach EscalateAt (3 x MinCount): critical, with a '*' playbook.
            var now = clock.GetUtcNow();
            await host.Desk.OnIndexedAsync([Mentions.Negative(now.AddSeconds(-3), text: "食物中毒 1"), Mentions.Negative(now.AddSeconds(-2), text: "食物中毒 2")], default);
            await using var db = await host.DbAsync();
            var alert = await db.Alerts.SingleAsync();
            alert.Severity.ShouldBe(AlertSeverity.Critical);
            alert.PlannedSeverity.ShouldBe(AlertSeverity.Critical);
            var steps = await StepsAsync(host);
            steps.Select(s => s.StepId).ShouldBe(["verify", "holding-statement", "reply", "root-cause"]);
            steps[0].DueAt.ShouldBe(opened.AddMinutes(30), "the stronger playbook's earlier deadline wins, still counted from the start");
            steps[0].PlaybookId.ShouldBe("brand-warning");
            steps.Single(s => s.StepId == "holding-statement").Checklist.Select(c => c.Text).ShouldBe(["legal review", "post on Weibo"]);
            var lines = await db.Timeline.Where(t => t.AlertId == alert.Id && t.Kind == TimelineKinds.Step).Select(t => t.Text).ToListAsync();
            lines.Count.ShouldBe(2);
            lines[0].ShouldStartWith("response plan brand-warning (warning) started: 2 step(s)");
            lines[1].ShouldStartWith("response plan brand-critical (critical) started: 2 step(s)");
            lines[1].ShouldContain("sooner: 核实事实 / verify the facts now due");

            await host.Desk.EvaluateAllAsync(default);
            (await StepsAsync(host)).Count.ShouldBe(4);
        }
    }

    [Fact]
    public async Task StepsApi_TicksAreAuditedAndIdempotent_StaleETagIs412_BadInputIs400_UnknownIs404()
    {
        await using var host = await StartAsync();
        var now = host.Clock.GetUtcNow();
        await host.Desk.OnIndexedAsync([Mentions.Negative(now.AddMinutes(-1), text: "food poisoning")], default);
        var pr = host.Client("pr", "petra");
        var id = (await pr.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("items")[0].GetProperty("id").GetInt64();

        var list = await pr.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/steps");
        var verify = list.GetProperty("steps")[0];
        verify.GetProperty("id").GetString().ShouldBe("verify");
        verify.GetProperty("state").GetString().ShouldBe("open");
        verify.GetProperty("owner").GetString().ShouldBe("PR on duty");
        verify.GetProperty("dueWithin").GetString().ShouldBe("01:00:00");
        var etag = verify.GetProperty("eTag").GetString()!;

        host.Clock.Advance(TimeSpan.FromMinutes(70));
        (await pr.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/steps")).GetProperty("steps")[0].GetProperty("state").GetString().ShouldBe("overdue");

        var done = await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true, note = "store called, 2 customers saw a doctor" });
        done.StatusCode.ShouldBe(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
        var step = await done.Content.ReadFromJsonAsync<JsonElement>();
        step.GetProperty("state").GetString().ShouldBe("done");
        step.GetProperty("doneBy").GetString().ShouldBe("petra");
        step.GetProperty("lateBy").GetString().ShouldBe("00:10:00");
        done.Headers.ETag!.Tag.ShouldBe(step.GetProperty("eTag").GetString());
        var version = step.GetProperty("version").GetInt32();

        // The same PUT again changes nothing and records nothing (idempotent).
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true });
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().ShouldBe(version);

        // A stale ETag: someone changed the step since it was read.
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/alerts/{id}/steps/verify") { Content = JsonContent.Create(new { done = false }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        var staleAnswer = await pr.SendAsync(stale);
        staleAnswer.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await staleAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentETag").GetString().ShouldBe(step.GetProperty("eTag").GetString());

        var item = await host.Client("pr", "omar").PutAsJsonAsync($"/api/alerts/{id}/steps/reply/checklist/1", new { done = true });
        item.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the reply step has no checklist");
        (await item.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("has no checklist");

        var reopen = await host.Client("pr", "omar").PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = false, note = "a third customer came forward" });
        (await reopen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().ShouldBe("overdue");

        await using (var db = await host.DbAsync())
        {
            var audit = await db.Timeline.Where(t => t.AlertId == id && t.Kind == TimelineKinds.Step && t.Actor != AlertTimelineEntry.SystemActor).OrderBy(t => t.Id).ToListAsync();
            audit.Select(a => a.Actor).ShouldBe(["petra", "omar"]);
            audit[0].Text.ShouldBe("step \"核实事实 / verify the facts\" done by petra, 10 min late: store called, 2 customers saw a doctor");
            audit[0].At.ShouldBe(AlertingTestHost.Start.AddMinutes(70));
            audit[1].Text.ShouldStartWith("step \"核实事实 / verify the facts\" reopened by omar: a third customer came forward");
            (await db.Steps.SingleAsync(s => s.StepId == "verify")).ReopenCount.ShouldBe(1);
        }

        // Bad input: 400 problem details naming the field.
        async Task<JsonElement> BadAsync(HttpResponseMessage response)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }

        (await BadAsync(await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { note = "no done" }))).TryGetProperty("done", out _).ShouldBeTrue();
        var yes = (await BadAsync(await pr.PutAsync($"/api/alerts/{id}/steps/verify", new StringContent("{\"done\": \"yes\"}", Encoding.UTF8, "application/json")))).GetProperty("done")[0].GetString()!;
        yes.ShouldContain("the kind of value the example shows (e.g. {\"done\": true");
        yes.ShouldNotContain("SentimentWatch.", Case.Sensitive, "no .NET type names in what a caller reads");
        (await BadAsync(await pr.PutAsync($"/api/alerts/{id}/steps/verify", new StringContent("{\"done\": tru", Encoding.UTF8, "application/json")))).EnumerateObject().Count().ShouldBe(1);
        (await BadAsync(await pr.PutAsync($"/api/alerts/{id}/steps/verify", new StringContent("", Encoding.UTF8, "application/json")))).TryGetProperty("body", out _).ShouldBeTrue();
        (await BadAsync(await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true, note = new string('x', 1001) }))).TryGetProperty("note", out _).ShouldBeTrue();
        (await BadAsync(await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/first", new { done = true }))).TryGetProperty("item", out _).ShouldBeTrue();
        (await BadAsync(await pr.PutAsJsonAsync("/api/alerts/x1/steps/verify", new { done = true }))).TryGetProperty("id", out _).ShouldBeTrue();
        (await BadAsync(await pr.GetAsync($"/api/alerts/{id}/timeline?format=pdf"))).TryGetProperty("format", out _).ShouldBeTrue();
        (await BadAsync(await pr.GetAsync($"/api/alerts/{id}/timeline?format=markdown&lang=fr"))).TryGetProperty("lang", out _).ShouldBeTrue();
        var badTag = new HttpRequestMessage(HttpMethod.Put, $"/api/alerts/{id}/steps/verify") { Content = JsonContent.Create(new { done = true }) };
        badTag.Headers.TryAddWithoutValidation("If-Match", "\"banana\"");
        (await BadAsync(await pr.SendAsync(badTag))).TryGetProperty("If-Match", out _).ShouldBeTrue();

        // A body not declared JSON (text/plain, or no Content-Type at all): 415 problem details, as every JSON endpoint answers.
        var plain = await pr.PutAsync($"/api/alerts/{id}/steps/verify", new StringContent("{\"done\": true}", Encoding.UTF8, "text/plain"));
        plain.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        plain.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await pr.PutAsync($"/api/alerts/{id}/steps/reply/checklist/1", new ByteArrayContent(Encoding.UTF8.GetBytes("{\"done\": true}"))))
            .StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);

        // Unknown things: 404 problem details.
        (await pr.GetAsync("/api/alerts/999/steps")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await pr.GetAsync("/api/alerts/999/timeline")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/press-conference", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await pr.PutAsJsonAsync("/api/alerts/999/steps/verify", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Roles: pr and admin only.
        (await host.Client("analyst").PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.Client("admin", "ada").GetAsync($"/api/alerts/{id}/steps")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoPeopleTickingOneStepAtOnce_BothTicksLand_OneVersionEach()
    {
        await using var host = await StartAsync();
        var now = host.Clock.GetUtcNow();
        // Critical at once (3 risk-term posts = EscalateAt x MinCount): the '*' critical playbook with a two-item checklist.
        await host.Desk.OnIndexedAsync([Mentions.Negative(now.AddSeconds(-3), text: "食物中毒 a"), Mentions.Negative(now.AddSeconds(-2), text: "食物中毒 b"), Mentions.Negative(now.AddSeconds(-1), text: "食物中毒 c")], default);
        var id = (await StepsAsync(host)).First().AlertId;

        for (var round = 0; round < 5; round++)
        {
            var done = round % 2 == 0;
            var answers = await Task.WhenAll(
                host.Client("pr", "petra").PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/1", new { done }),
                host.Client("pr", "omar").PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/2", new { done }),
                host.Client("pr", "petra").PutAsJsonAsync($"/api/alerts/{id}/steps/holding-statement/checklist/1", new { done }));
            answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);

            await using var db = await host.DbAsync();
            var step = await db.Steps.AsNoTracking().SingleAsync(s => s.AlertId == id && s.StepId == "holding-statement");
            step.Checklist.Select(c => c.DoneAt is not null).ShouldBe([done, done], $"round {round}");
            step.Version.ShouldBe(2 * (round + 1), "one version per real change; the repeated tick changed nothing");
        }
    }

    // Steps of incidents a person resolved are never reminded. Before decision 250 they were read with the rest, the earliest
    // due first, 500 at a time: once 500 of them were left (a few per incident resolved without ticking every step), every pass
    // read only those and no other incident's step was ever reminded again.
    [Fact]
    public async Task Steps_of_incidents_a_person_resolved_do_not_starve_the_reminders_of_a_live_incident()
    {
        var clock = new ManualClock(AlertingTestHost.Start);
        await using var host = await StartAsync(clock);
        await host.Desk.OnIndexedAsync([Mentions.Negative(clock.GetUtcNow().AddMinutes(-1), text: "food poisoning")], default);
        (await NextOfKindAsync("opened")).Json.GetProperty("alertId").GetInt64().ShouldBePositive();
        var live = (await StepsAsync(host))[0].AlertId;

        await using (var db = await host.DbAsync())
        {
            // An incident resolved by a person, as a copy of the live one's row, with 600 steps due before any of the live one's.
            var columns = new List<string>();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using (var info = connection.CreateCommand())
            {
                info.CommandText = "SELECT name FROM pragma_table_info('alerts') WHERE name <> 'Id'";
                await using var reader = await info.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add("\"" + reader.GetString(0) + "\"");
                }
            }

            var list = string.Join(", ", columns);
            var select = list.Replace("\"Status\"", "2", StringComparison.Ordinal).Replace("\"ResolvedBy\"", "'petra'", StringComparison.Ordinal)
                .Replace("\"IncidentKey\"", "\"IncidentKey\" || '-old'", StringComparison.Ordinal);
            // Column names from the table itself, the id a parameter.
            var sql = "INSERT INTO alerts (" + list + ") SELECT " + select + " FROM alerts WHERE \"Id\" = {0}";
            await db.Database.ExecuteSqlRawAsync(sql, live);
            var resolved = await db.Alerts.AsNoTracking().Where(a => a.Id != live).Select(a => a.Id).SingleAsync();
            var template = await db.Steps.AsNoTracking().FirstAsync(s => s.AlertId == live);
            for (var i = 0; i < 600; i++)
            {
                db.Steps.Add(new ResponseStep
                {
                    AlertId = resolved, StepId = $"left-{i}", PlaybookId = template.PlaybookId, Severity = template.Severity, Position = i,
                    Title = template.Title, Owner = template.Owner, DueAt = clock.GetUtcNow().AddMinutes(-30), CreatedAt = clock.GetUtcNow(),
                });
            }

            await db.SaveChangesAsync();
        }

        clock.Advance(TimeSpan.FromMinutes(85));
        await host.App.Services.GetRequiredService<ResponseStepWatch>().RunAsync(default);

        var reminder = await NextOfKindAsync("notice");
        reminder.Json.GetProperty("alertId").GetInt64().ShouldBe(live);
        await using var check = await host.DbAsync();
        (await check.StepReminders.CountAsync()).ShouldBe(1, "the live incident's overdue step, none of the resolved one's");
    }

    /// <summary>
    /// A reminder the staff notifier refuses stays pending and is tried again on every pass; it must not hold back the
    /// reminders recorded after it. Here 500 earlier reminders are ones <see cref="StaffNotifier"/> refuses for good (written
    /// without a title, which it rejects as malformed): the live incident's overdue step, recorded behind them, is still
    /// handed over on the pass that records it, and once. Before the fix every pass read the same 500 oldest pending
    /// reminders and nothing behind them was sent.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Reminders_the_notifier_keeps_refusing_do_not_hold_back_the_reminders_behind_them(string provider)
    {
        var clock = new ManualClock(AlertingTestHost.Start);
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("stepnotices") : null;
        var settings = Settings();
        if (database is not null)
        {
            settings["Storage:Provider"] = provider;
            settings["Storage:ConnectionString"] = database.ConnectionString;
        }

        await using var host = await StartAsync(clock, settings);
        await host.Desk.OnIndexedAsync([Mentions.Negative(clock.GetUtcNow().AddMinutes(-1), text: "food poisoning")], default);
        (await NextOfKindAsync("opened")).Json.GetProperty("alertId").GetInt64().ShouldBePositive();
        var reply = (await StepsAsync(host)).Single(s => s.StepId == "reply");
        var id = reply.AlertId;
        const int refused = 500;
        await using (var db = await host.DbAsync())
        {
            // Reopenings 1 to 500 of the step due in 4 h: not overdue in this test, so the watch records nothing for it.
            for (var cycle = 1; cycle <= refused; cycle++)
            {
                db.StepReminders.Add(new StepReminder
                {
                    StepRowId = reply.Id, AlertId = id, Cycle = cycle, At = clock.GetUtcNow(), DueAt = reply.DueAt,
                    DedupKey = ResponseStepWatch.DedupKey(id, reply.StepId, cycle), Title = "", Text = "", Recipients = reply.Owner,
                });
            }

            await db.SaveChangesAsync();
        }

        // "verify" was due after 1 h: overdue now, its reminder recorded behind the 500.
        clock.Advance(TimeSpan.FromMinutes(85));
        var watch = host.App.Services.GetRequiredService<ResponseStepWatch>();
        await watch.RunAsync(default);
        var verifyKey = ResponseStepWatch.DedupKey(id, "verify", 0);
        await using (var db = await host.DbAsync())
        {
            var verify = await db.StepReminders.AsNoTracking().SingleAsync(r => r.DedupKey == verifyKey);
            verify.NotifiedAt.ShouldNotBeNull("the reminder behind 500 refused ones is handed over on the pass that records it");
            (await db.StepReminders.CountAsync(r => r.NotifiedAt == null && r.LastError != null && r.LastError.Contains("needs a Title"))).ShouldBe(refused);
        }

        (await NextOfKindAsync("notice")).Json.GetProperty("headline").GetString()!.ShouldContain("\"核实事实 / verify the facts\" is 25 min late");

        // The refused ones are tried again; the one handed over is not handed over again.
        await watch.RunAsync(default);
        await using (var db = await host.DbAsync())
        {
            (await db.StaffNotices.Select(n => n.DedupKey).ToListAsync()).ShouldBe([verifyKey]);
            (await db.Outbox.CountAsync(o => o.Kind == NotificationKind.Notice)).ShouldBe(1);
            (await db.StepReminders.CountAsync(r => r.NotifiedAt == null)).ShouldBe(refused);
        }
    }

    [Fact]
    public async Task AnOverdueStep_IsRemindedOncePerStepAndReopening_AcrossRestarts_AndNotAfterAPersonResolvedTheIncident()
    {
        var clock = new ManualClock(AlertingTestHost.Start);
        long id;
        await using (var host = await StartAsync(clock))
        {
            // The recurring job is registered on the shared Hangfire.
            using (var connection = JobStorage.Current.GetConnection())
            {
                connection.GetRecurringJobs().ShouldContain(j => j.Id == ResponseStepWatch.JobId && j.Cron == "* * * * *");
            }

            await host.Desk.OnIndexedAsync([Mentions.Negative(clock.GetUtcNow().AddMinutes(-1), text: "food poisoning")], default);
            (await NextOfKindAsync("opened")).Json.GetProperty("alertId").GetInt64().ShouldBePositive();
            id = (await StepsAsync(host))[0].AlertId;
            var watch = host.App.Services.GetRequiredService<ResponseStepWatch>();

            clock.Advance(TimeSpan.FromMinutes(59));
            await watch.RunAsync(default);
            clock.Advance(TimeSpan.FromMinutes(26));
            await watch.RunAsync(default);

            var reminder = await NextOfKindAsync("notice");
            var json = reminder.Json;
            json.GetProperty("headline").GetString().ShouldBe($"[OVERDUE] Brand Co / 品牌: \"核实事实 / verify the facts\" is 25 min late (incident {id})");
            json.GetProperty("alertId").GetInt64().ShouldBe(id);
            json.GetProperty("watch").GetString().ShouldBe("brand");
            json.GetProperty("watchName").GetString().ShouldBe("Brand Co / 品牌");
            json.GetProperty("alertLink").GetString().ShouldBe($"https://watch.example.com/alerts/{id}");
            json.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["PR on duty"]);
            var text = json.GetProperty("summary").GetString()!;
            text.ShouldContain($"Incident {id} on Brand Co / 品牌 (warning: high-risk complaints), opened 2026-11-23 08:00 UTC, firing, not acknowledged.");
            text.ShouldContain("Step 1 of 2, \"核实事实 / verify the facts\", owner PR on duty, was due 2026-11-23 09:00 UTC (within 1 h of the start) and is 25 min late.");
            text.ShouldContain("Next: 回复原帖 / reply to the posts (owner: social team), due 12:00 UTC, 4 h after the start.", customMessage: "the same next-step line as the announcements");
            text.ShouldContain($"Tick it when done: https://watch.example.com/alerts/{id}");
            reminder.Headers.ContainsKey("X-SentimentWatch-Signature").ShouldBeTrue();

            await watch.RunAsync(default);
        }

        await using (var host = await StartAsync(clock))
        {
            var watch = host.App.Services.GetRequiredService<ResponseStepWatch>();
            clock.Advance(TimeSpan.FromMinutes(5));
            await watch.RunAsync(default);
            await using (var db = await host.DbAsync())
            {
                (await db.StepReminders.CountAsync()).ShouldBe(1, "one reminder for the one overdue step, across passes and a restart");
                (await db.StaffNotices.CountAsync(n => n.AlertId == id)).ShouldBe(1);
                (await db.Outbox.CountAsync(o => o.Kind == NotificationKind.Notice)).ShouldBe(1);
            }

            // Reopened after it was done: a new overdue, reminded once more.
            var pr = host.Client("pr", "petra");
            (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = true })).EnsureSuccessStatusCode();
            await watch.RunAsync(default);
            (await pr.PutAsJsonAsync($"/api/alerts/{id}/steps/verify", new { done = false })).EnsureSuccessStatusCode();
            await watch.RunAsync(default);
            var second = await NextOfKindAsync("notice");
            second.Json.GetProperty("id").GetString()!.ShouldStartWith("notice-");
            second.Json.GetProperty("headline").GetString()!.ShouldContain("\"核实事实 / verify the facts\" is 30 min late");
            await watch.RunAsync(default);

            // A person resolved it: the rest of the plan is not chased.
            (await pr.PostAsync($"/api/alerts/{id}/resolve", null)).EnsureSuccessStatusCode();
            clock.Advance(TimeSpan.FromHours(3));
            await watch.RunAsync(default);
            await using var db2 = await host.DbAsync();
            (await db2.StepReminders.Select(r => r.DedupKey).OrderBy(k => k).ToListAsync())
                .ShouldBe([ResponseStepWatch.DedupKey(id, "verify", 0), ResponseStepWatch.DedupKey(id, "verify", 1)]);
            (await db2.StepReminders.AllAsync(r => r.NotifiedAt != null)).ShouldBeTrue();
        }
    }
}

internal sealed class TestWatchCatalog(params SentimentWatch.Core.Watches.Watch[] watches) : SentimentWatch.Core.Pipeline.IWatchCatalog
{
    public IReadOnlyList<SentimentWatch.Core.Watches.Watch> Watches { get; } = watches;
}
