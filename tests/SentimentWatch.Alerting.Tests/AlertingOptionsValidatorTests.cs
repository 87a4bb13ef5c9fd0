using SentimentWatch.Storage;

namespace SentimentWatch.Alerting.Tests;

public sealed class AlertingOptionsValidatorTests
{
    [Fact]
    public void Validate_ReportsEveryFailureAtOnceNamingTheSettingPath()
    {
        var options = new AlertingOptions
        {
            EvaluationInterval = TimeSpan.FromMinutes(5),
            Rules =
            [
                new CrisisRuleOptions { Id = "spike", Watch = "brand", Kind = "negativeSpike", Ratio = 0.5 },
                new CrisisRuleOptions { Id = "spike", Watch = "", Kind = "volcano", Severity = "apocalyptic", GroupBy = "weather" },
                new CrisisRuleOptions { Id = "risk", Watch = "*", Kind = "riskTerms" },
                new CrisisRuleOptions { Id = "chatty", Watch = "brand", Kind = "riskTerms", Terms = ["fire"], Cooldown = TimeSpan.Zero },
            ],
            Delivery = new AlertDeliveryOptions
            {
                JobStorage = "PostgreSql",
                PostgreSqlConnectionString = "Host=jobs",
                Webhooks = [new WebhookChannelOptions { Name = "hook", Url = "ftp://nope", Secret = "short" }],
                Email = new EmailChannelOptions { Host = "", From = "not-an-address", UserName = "u" },
            },
        };

        var result = new AlertingOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        var failures = result.Failures!.ToList();
        failures.ShouldContain(f => f.StartsWith("Alerting:EvaluationInterval", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:0:Ratio", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:Id 'spike' is used by another rule", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:Watch", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:Kind 'volcano'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:Severity 'apocalyptic'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:GroupBy 'weather'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:2:Terms", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:3:Cooldown must be at least 00:01:00 (was 00:00:00)", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:JobStorage 'PostgreSql' is retired and disagrees with Storage:Provider 'sqlite'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:PostgreSqlConnectionString is retired", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Webhooks:0:Url", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Webhooks:0:Secret", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Email:Host", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Email:From", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Email:To", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Email:Password", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AcceptsTheDefaultsAndATypicalRuleSet()
    {
        var options = new AlertingOptions
        {
            Rules =
            [
                new CrisisRuleOptions { Id = "spike", Watch = "brand", Kind = "negativeSpike", MinCount = 10 },
                new CrisisRuleOptions { Id = "risk", Watch = "*", Kind = "riskTerms", Terms = ["爆炸", "lawsuit"], Severity = "critical" },
            ],
        };

        new AlertingOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_ChannelLanguageAndTimeZone_AreNamedWhenUnknown_AndTheUsualSpellingsPass()
    {
        var options = new AlertingOptions
        {
            Delivery = new AlertDeliveryOptions
            {
                Webhooks =
                [
                    new WebhookChannelOptions { Name = "hook", Url = "https://hooks.example.com/a", Secret = "0123456789abcdef", Language = "fr", TimeZone = "Mars/Olympus_Mons" },
                    new WebhookChannelOptions { Name = "cn", Url = "https://hooks.example.com/b", Secret = "0123456789abcdef", Language = "zh-Hans", TimeZone = "Asia/Shanghai" },
                ],
                ChatRobots = [new SentimentWatch.Alerting.Notifications.ChatRobotChannelOptions { Name = "robot", Kind = "dingtalk", Url = "https://oapi.dingtalk.com/robot/send", Language = "zh", TimeZone = "Beijing" }],
            },
        };

        var failures = new AlertingOptionsValidator().Validate(null, options).Failures!.ToList();

        failures.ShouldContain("Alerting:Delivery:Webhooks:0:Language 'fr' is not one of en, zh-CN");
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:Webhooks:0:TimeZone 'Mars/Olympus_Mons' is not a time zone this machine knows", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Delivery:ChatRobots:0:TimeZone 'Beijing'", StringComparison.Ordinal));
        failures.ShouldNotContain(f => f.Contains(":Webhooks:1:", StringComparison.Ordinal));
        failures.ShouldNotContain(f => f.Contains("ChatRobots:0:Language", StringComparison.Ordinal));
        failures.Count.ShouldBe(3);
    }

    [Fact]
    public void Validate_HourOfWeekBaseline_NeedsASpikeRuleSaneWeeksAndEnoughEvidenceRetention()
    {
        var options = new AlertingOptions
        {
            EvidenceRetention = TimeSpan.FromDays(2),
            Rules =
            [
                new CrisisRuleOptions { Id = "weekly", Watch = "brand", Kind = "negativeSpike", Baseline = "hourOfWeek" },
                new CrisisRuleOptions { Id = "share", Watch = "brand", Kind = "negativeShare", Baseline = "hourOfWeek", BaselineWeeks = 13 },
                new CrisisRuleOptions { Id = "odd", Watch = "brand", Kind = "negativeSpike", Baseline = "dayOfYear" },
            ],
        };

        var failures = new AlertingOptionsValidator().Validate(null, options).Failures!.ToList();

        failures.ShouldContain(f => f.StartsWith("Alerting:EvidenceRetention must be at least 28.00:10:00 for Alerting:Rules:0", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:Baseline hourOfWeek applies to negativeSpike rules only", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:BaselineWeeks must be between 1 and 12", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:2:Baseline 'dayOfYear'", StringComparison.Ordinal));

        options.EvidenceRetention = TimeSpan.FromDays(29);
        options.Rules.RemoveRange(1, 2);
        new AlertingOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_HourOfWeekTimeZone_MustBeKnown_AndItsClockChangeCountsInTheRetention()
    {
        var options = new AlertingOptions
        {
            EvidenceRetention = TimeSpan.FromDays(28) + TimeSpan.FromMinutes(10),
            Rules =
            [
                new CrisisRuleOptions { Id = "weekly", Watch = "brand", Kind = "negativeSpike", Baseline = "hourOfWeek", TimeZone = "Europe/Berlin" },
                new CrisisRuleOptions { Id = "mars", Watch = "brand", Kind = "negativeSpike", Baseline = "hourOfWeek", TimeZone = "Mars/Olympus_Mons" },
            ],
        };

        var failures = new AlertingOptionsValidator().Validate(null, options).Failures!.ToList();

        failures.ShouldContain(f => f.StartsWith("Alerting:EvidenceRetention must be at least 28.01:10:00 for Alerting:Rules:0", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Rules:1:TimeZone 'Mars/Olympus_Mons' is not a time zone this machine knows", StringComparison.Ordinal));

        options.EvidenceRetention = TimeSpan.FromDays(29);
        options.Rules.RemoveAt(1);
        new AlertingOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData(StateStoreProvider.Sqlite, null, true)]
    [InlineData(StateStoreProvider.Sqlite, "InMemory", true)]
    [InlineData(StateStoreProvider.PostgreSql, null, true)]
    [InlineData(StateStoreProvider.PostgreSql, "postgresql", true)]
    [InlineData(StateStoreProvider.PostgreSql, "InMemory", false)]
    [InlineData(StateStoreProvider.Sqlite, "PostgreSql", false)]
    public void Validate_TheRetiredJobStorageSwitch_IsToleratedOnlyWhereItAgreesWithStorageProvider(StateStoreProvider provider, string? jobStorage, bool accepted)
    {
        var storage = Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = provider, ConnectionString = "Host=db" });
        var options = new AlertingOptions { Delivery = new AlertDeliveryOptions { JobStorage = jobStorage } };

        var result = new AlertingOptionsValidator(storage).Validate(null, options);

        result.Succeeded.ShouldBe(accepted);
        if (!accepted)
        {
            result.Failures!.ShouldContain(f => f.StartsWith("Alerting:Delivery:JobStorage", StringComparison.Ordinal) && f.Contains("Storage:Provider", StringComparison.Ordinal));
        }
    }
}
