using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>
/// emergingTopic is the one rule that reads the words of posts that are not negative: through the desk on SQLite (evidence held in
/// memory, decision 193) a watch with that rule must keep every row's text (decision 228).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class EmergingTopicDeskTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task ANewTermInPostsThatAreNotNegative_OpensAnEmergingTopicIncident_QuotingThemFromTheEvidenceHeldInMemory()
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings()
            .Rule("emerging", "emergingTopic", "brand", ("MinCount", "3")));

        // Eighty minutes of ordinary posts: the rule's baseline (the windows before its current one) is ready and holds their words.
        for (var minute = 0; minute < 80; minute++)
        {
            await host.Desk.OnIndexedAsync([Mentions.Neutral(host.Clock.GetUtcNow())], default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.CountAsync()).ShouldBe(0, "ordinary posts raise nothing");
        }

        // Four people ask about the same new thing, none of them upset.
        var asking = Enumerable.Range(0, 4)
            .Select(i => Mentions.Make(host.Clock.GetUtcNow(), "brand", $"where is the oatmilk latte ({i})", SentimentLabel.Neutral, 10, "forum", $"asker{i}"))
            .ToList();
        await host.Desk.OnIndexedAsync(asking, default);

        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.Include(a => a.Signals).SingleAsync();
            alert.Signals.Select(s => s.Kind).ShouldBe([CrisisRuleKind.EmergingTopic]);
            alert.Summary.ShouldContain("oatmilk");
            alert.Samples.ShouldNotBeEmpty();
            alert.Samples.ShouldAllBe(s => s.Excerpt.Contains("oatmilk") && s.Url != null && s.Author!.StartsWith("asker"));
        }
    }
}
