using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

/// <summary>An incident's complaint cases show the same SLA deadline as the support queue: the same clock, the same time, named.</summary>
public sealed class IncidentCasesConsoleTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task ACaseOnAnIncident_ShowsTheQueuesDeadline_FirstResponseWhileUnanswered_InBothLanguages()
    {
        var (caseId, alertId, title) = await UnansweredIncidentCaseAsync();
        var sla = (await GetAsync($"/api/cases/{caseId}")).GetProperty("sla");
        var firstResponseDue = sla.GetProperty("firstResponse").GetProperty("dueAt").GetDateTimeOffset();
        sla.GetProperty("resolution").GetProperty("dueAt").GetDateTimeOffset().ShouldBeGreaterThan(firstResponseDue, "the two deadlines differ, so showing the wrong one shows");

        var admin = await OpenAsync("admin");
        var (queueClock, queueDue, queueText, incidentClock, incidentDue, incidentText) = ("", "", "", "", "", "");
        // Each page writes "due in 43m" when it renders: read both again if a minute turned between them.
        for (var attempt = 0; attempt < 3 && (queueText.Length == 0 || queueText != incidentText); attempt++)
        {
            await admin.GotoAsync("/cases?text=" + Uri.EscapeDataString(title));
            var queue = admin.Locator($"[data-testid=case-queue] tr[data-case-id='{caseId}'] [data-testid=case-deadline]");
            (queueClock, queueDue, queueText) = (await queue.GetAttributeAsync("data-sla-clock") ?? "", await queue.GetAttributeAsync("data-due") ?? "", await queue.InnerTextAsync());

            await admin.GotoAsync($"/alerts/{alertId}");
            var incident = admin.GetByTestId("alert-cases").Locator("li", new() { Has = admin.Locator($"a[href='/cases/{caseId}']") }).GetByTestId("case-deadline");
            (incidentClock, incidentDue, incidentText) = (await incident.GetAttributeAsync("data-sla-clock") ?? "", await incident.GetAttributeAsync("data-due") ?? "", await incident.InnerTextAsync());
        }

        queueClock.ShouldBe("first_response", "the first reply is still owed, and it falls due first");
        DateTimeOffset.Parse(queueDue, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(firstResponseDue);
        incidentClock.ShouldBe(queueClock);
        incidentDue.ShouldBe(queueDue);
        incidentText.ShouldBe(queueText);
        // "was due … ago" when the case is already breached (another test may have made it so; the badge says breached).
        incidentText.ShouldMatch(@"^first response ((due in|overdue) (\d+d( \d+h)?|\d+h( \d+m)?|\d+m)|was due (\d+d( \d+h)?|\d+h( \d+m)?|\d+m) ago)$");
        await ShotAsync(admin, "incident-en");

        // PR reads the incident (no case pages) in Chinese: the same clock, named, in Chinese units.
        var pr = await OpenAsync("pr", "zh-CN");
        await pr.GotoAsync($"/alerts/{alertId}");
        var shown = pr.GetByTestId("alert-cases").Locator("li", new() { Has = pr.GetByText("#" + caseId, new() { Exact = true }) }).GetByTestId("case-deadline");
        await Assertions.Expect(shown).ToHaveAttributeAsync("data-due", queueDue);
        await Assertions.Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^首次响应(还剩|超时|时限已过) (\d+天(\d+小时)?|\d+小时(\d+分钟)?|\d+分钟)$"));
        await pr.GetByTestId("alert-cases").ScrollIntoViewIfNeededAsync();
        await ShotAsync(pr, "incident-zh-pr");

        var support = await OpenAsync("support", "zh-CN");
        await support.GotoAsync("/cases");
        await ShotAsync(support, "queue-zh");
        await admin.GotoAsync("/cases");
        await ShotAsync(admin, "queue-en");
    }

    /// <summary>An open case the demo's incident produced, not yet answered (the replay leaves cases unassigned).</summary>
    private async Task<(long Case, long Alert, string Title)> UnansweredIncidentCaseAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var cases = (await GetAsync("/api/cases?status=open&pageSize=200")).GetProperty("items").EnumerateArray();
            foreach (var c in cases.Where(c => c.TryGetProperty("alertId", out var alert) && alert.ValueKind == JsonValueKind.Number))
            {
                var id = c.GetProperty("id").GetInt64();
                var sla = (await GetAsync($"/api/cases/{id}")).GetProperty("sla");
                if (!sla.GetProperty("paused").GetBoolean() && (!sla.GetProperty("firstResponse").TryGetProperty("metAt", out var met) || met.ValueKind == JsonValueKind.Null))
                {
                    return (id, c.GetProperty("alertId").GetInt64(), c.GetProperty("title").GetString()!);
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("no open, unanswered lumo case linked to an incident");
            }

            await Task.Delay(500);
        }
    }
}
