using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SentimentWatch.Alerting.Tests.Support;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// The opening of an incident, received over real HTTP by a webhook: of a playbook with five steps due within the first
/// hour it names three (the cap, <see cref="ResponsePlan.MaxNextSteps"/>), by due time; and the desk reads no response
/// steps back from the database for an incident it has just opened, whose plan it started itself (a review found one
/// query per opening, also for a watch without a playbook).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OpenedAnnouncementStepsTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly StepQueries _stepQueries = new();
    private WebhookReceiver _receiver = null!;
    private AlertingTestHost _host = null!;
    private JsonElement _withPlaybook;
    private JsonElement _withoutPlaybook;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new AlertingSettings()
            .Rule("risk", "riskTerms", "*", ("Severity", "warning"), ("MinCount", "1"), ("Window", "00:30:00"), ("Terms", "food poisoning"))
            .Playbook("brand-warning", "brand", "warning",
                ("verify", "verify the facts", "PR on duty", "00:10:00", ""),
                ("holding-statement", "holding statement", "PR lead", "00:20:00", ""),
                ("leadership", "brief leadership", "PR lead", "00:30:00", ""),
                ("customers", "contact the affected customers", "customer care lead", "00:45:00", ""),
                ("regulator", "inform the regulator", "legal", "01:00:00", ""),
                ("root-cause", "root-cause statement", "PR lead", "04:00:00", ""))
            .Webhook("hook", _receiver.Url("hook"));
        _host = await AlertingTestHost.StartAsync(_data.Path, settings,
            services: s => s.ConfigureDbContext<AlertingDbContext>(o => o.AddInterceptors(_stepQueries)));

        var now = _host.Clock.GetUtcNow();
        await _host.Desk.OnIndexedAsync([Mentions.Negative(now.AddMinutes(-1), text: "food poisoning after the latte")], default);
        _withPlaybook = (await _receiver.NextAsync()).Json;
        await _host.Desk.OnIndexedAsync([Mentions.Negative(now.AddSeconds(-30), watch: "other", text: "food poisoning at the other brand")], default);
        _withoutPlaybook = (await _receiver.NextAsync()).Json;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public void Opened_NamesAtMostThreeSteps_ThoughFiveAreDueWithinTheFirstHour()
    {
        _withPlaybook.GetProperty("kind").GetString().ShouldBe("opened");
        _withPlaybook.GetProperty("nextSteps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe(["verify", "holding-statement", "leadership"]);
        var text = _withPlaybook.GetProperty("text").GetString()!;
        text.ShouldContain(
            "Next: verify the facts (owner: PR on duty), due 08:10 UTC, 10 min after the start.\n"
            + "Then: holding statement (owner: PR lead), due 08:20 UTC, 20 min after the start.\n"
            + "Then: brief leadership (owner: PR lead), due 08:30 UTC, 30 min after the start.\n\n");
        text.ShouldNotContain("contact the affected customers", customMessage: "due within the hour, but three are named at most");
        text.ShouldNotContain("inform the regulator");
        text.ShouldNotContain("root-cause statement");
    }

    [Fact]
    public async Task Opened_ReadsNoStepsBackForAnIncidentItJustOpened_WithOrWithoutAPlaybook()
    {
        _withoutPlaybook.GetProperty("watch").GetString().ShouldBe("other");
        _withoutPlaybook.GetProperty("nextSteps").GetArrayLength().ShouldBe(0);

        var withPlaybook = _withPlaybook.GetProperty("alertId").GetInt64();
        var withoutPlaybook = _withoutPlaybook.GetProperty("alertId").GetInt64();
        _stepQueries.About(withoutPlaybook).ShouldBeEmpty("no playbook applies, so there are no steps to read");
        _stepQueries.About(withPlaybook).ShouldBeEmpty("the plan it started is in hand");

        // The steps were stored all the same, and the recorder does see a read of them.
        await using var db = await _host.DbAsync();
        (await db.Steps.Where(s => s.AlertId == withPlaybook).ToListAsync()).Count.ShouldBe(6);
        _stepQueries.About(withPlaybook).ShouldHaveSingleItem();
    }

    /// <summary>Every command that reads <c>alert_steps</c>, with its parameter values.</summary>
    private sealed class StepQueries : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<(string Sql, object?[] Parameters)> _commands = new();

        /// <summary>The reads of <c>alert_steps</c> that name incident <paramref name="alertId"/> (the scheduled reminder check names none).</summary>
        public List<string> About(long alertId) =>
            [.. _commands.Where(c => c.Parameters.Any(p => p is long or int && Convert.ToInt64(p, System.Globalization.CultureInfo.InvariantCulture) == alertId)).Select(c => c.Sql)];

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command)
        {
            if (command.CommandText.Contains("FROM \"alert_steps\"", StringComparison.Ordinal))
            {
                _commands.Enqueue((command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => p.Value)]));
            }
        }
    }
}
