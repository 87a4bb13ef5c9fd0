using Microsoft.Extensions.Configuration;
using SentimentWatch.Cases.Tests.Support;

namespace SentimentWatch.Cases.Tests;

public sealed class CasesOptionsValidatorTests
{
    private static CasesOptions Bind(IDictionary<string, string?> settings)
    {
        var options = new CasesOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(CasesOptions.SectionName).Bind(options);
        return options;
    }

    [Fact]
    public void TheTestAndDemoShapedConfiguration_IsValid() =>
        new CasesOptionsValidator().Validate(null, Bind(new CasesSettings())).Succeeded.ShouldBeTrue();

    [Fact]
    public void EveryWrongSetting_IsReportedAtOnce_NamingItsKey()
    {
        var settings = new CasesSettings()
            .With("Cases:Watches:0:Team", "ghost-team")
            .With("Cases:Watches:0:MinNegative", "1.5")
            .With("Cases:Calendars:0:TimeZone", "Mars/Olympus")
            .With("Cases:Policies:0:Calendar", "moon")
            .With("Cases:Policies:1:Priority", "P7")
            .With("Cases:Agents:1:Team", "nowhere")
            .With("Cases:Teams:0:Lead", "nobody")
            .With("Cases:PriorityRules:0:Priority", "urgent")
            .With("Cases:PersonalDataRoles:0", "everyone");
        var result = new CasesOptionsValidator().Validate(null, Bind(settings));
        result.Failed.ShouldBeTrue();
        var failures = result.Failures!.ToList();
        failures.ShouldContain(f => f.StartsWith("Cases:Watches:0:Team 'ghost-team'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Watches:0:MinNegative", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Calendars:0:TimeZone 'Mars/Olympus'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Policies:0:Calendar 'moon'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Policies:1:Priority 'P7'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Agents:1:Team 'nowhere'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:Teams:0:Lead 'nobody'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:PriorityRules:0:Priority 'urgent'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Cases:PersonalDataRoles 'everyone'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-00:01:00", "Cases:SlaMaxBackdate must not be negative")]
    [InlineData("01:00:00", "Cases:SlaMaxBackdate (01:00:00) must be shorter than the shortest first-response target (P1 01:00:00)")]
    public void ABackdateLimitThatIsNegativeOrAsLongAsAFirstResponseTarget_FailsNamingTheSetting(string value, string failure)
    {
        var result = new CasesOptionsValidator().Validate(null, Bind(new CasesSettings().With("Cases:SlaMaxBackdate", value)));
        result.Failed.ShouldBeTrue();
        result.Failures!.ShouldContain(f => f.StartsWith(failure, StringComparison.Ordinal));
    }
}
