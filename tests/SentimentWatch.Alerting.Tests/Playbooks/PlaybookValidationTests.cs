using Microsoft.Extensions.Configuration;

namespace SentimentWatch.Alerting.Tests.Playbooks;

public sealed class PlaybookValidationTests
{
    [Fact]
    public void Validate_ReportsEveryPlaybookFailureAtOnceNamingTheSettingPath()
    {
        var options = new AlertingOptions
        {
            ResponseStepCheckCron = "every minute",
            Playbooks =
            [
                new ResponsePlaybookOptions
                {
                    Id = "brand-critical", Watch = "brand", Severity = "critical",
                    Steps =
                    [
                        new ResponseStepOptions { Id = "holding statement", Title = "", Owner = "", Due = TimeSpan.Zero, Checklist = ["legal review", " "] },
                        new ResponseStepOptions { Id = "root-cause", Title = "root-cause statement", Owner = "PR lead", Due = TimeSpan.FromDays(31) },
                        new ResponseStepOptions { Id = "root-cause", Title = "again", Owner = "PR lead", Due = TimeSpan.FromHours(2) },
                    ],
                },
                new ResponsePlaybookOptions { Id = "brand-critical", Watch = "BRAND", Severity = "critical" },
                new ResponsePlaybookOptions { Id = "other", Watch = "", Severity = "dire", Steps = [new ResponseStepOptions { Id = "a", Title = "a", Owner = "b", Due = TimeSpan.FromHours(1) }] },
            ],
        };

        var result = new AlertingOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        var failures = result.Failures!.ToList();
        failures.ShouldContain(f => f.StartsWith("Alerting:ResponseStepCheckCron 'every minute'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:0:Id 'holding statement' may hold only", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:0:Title", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:0:Owner", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:0:Due must be after the incident's start", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:0:Checklist:1", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:1:Due", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:0:Steps:2:Id 'root-cause' is used by another step", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:1:Id 'brand-critical' is used by another playbook", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Alerting:Playbooks:1: watch 'BRAND' already has a critical playbook ('brand-critical')", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:1:Steps must list at least one", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:2:Watch", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Alerting:Playbooks:2:Severity 'dire'", StringComparison.Ordinal));
        failures.Count.ShouldBe(13);
    }

    [Fact]
    public void TheShippedAppsettings_PlaybooksForTheDemoWatch_Validate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SentimentWatch.sln")))
        {
            directory = directory.Parent;
        }

        directory.ShouldNotBeNull("the repository root holds SentimentWatch.sln");
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(directory.FullName, "appsettings.json")).Build();
        var options = new AlertingOptions();
        configuration.GetSection(AlertingOptions.SectionName).Bind(options);

        var result = new AlertingOptionsValidator().Validate(null, options);

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Failures ?? []));
        var critical = options.Playbooks.Single(p => p.Watch == "lumo" && p.Severity == "critical");
        critical.Steps.Single(s => s.Id == "holding-statement").Due.ShouldBe(TimeSpan.FromHours(1));
        critical.Steps.Single(s => s.Id == "root-cause-statement").Due.ShouldBe(TimeSpan.FromHours(24));
        critical.Steps.ShouldAllBe(s => s.Title.Contains(" / ", StringComparison.Ordinal), "bilingual titles: 中文 / English");
        options.Playbooks.ShouldContain(p => p.Watch == "lumo" && p.Severity == "warning");
    }
}
