using System.Xml.Linq;
using SentimentWatch.Core.Scoring;
using Shouldly;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// The SLA notices name a case's category with <see cref="ComplaintTopics.Label"/>, which the cases desk can reach; the console
/// names it from its resources. The two must read the same, in both languages.
/// </summary>
public sealed class TopicLabelsTests
{
    [Fact]
    public void TheNoticesCategoryLabels_AreTheConsoles_InEnglishAndChinese()
    {
        var english = Topics("ConsoleText.resx");
        var chinese = Topics("ConsoleText.zh-CN.resx");

        english.Keys.Order().ShouldBe(ComplaintTopics.Default.Order(), "the console labels every default category, and only those");
        foreach (var topic in ComplaintTopics.Default)
        {
            ComplaintTopics.Label(topic, chinese: false).ShouldBe(english[topic], topic);
            ComplaintTopics.Label(topic, chinese: true).ShouldBe(chinese[topic], topic);
        }

        ComplaintTopics.Label("allergens", chinese: true).ShouldBe("allergens", "a configured category without a label shows as its code");
    }

    private static Dictionary<string, string> Topics(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SentimentWatch.sln")))
        {
            directory = directory.Parent;
        }

        directory.ShouldNotBeNull("the repository root holds SentimentWatch.sln");
        return XDocument.Load(Path.Combine(directory.FullName, "src", "SentimentWatch.Web", "Resources", file)).Root!.Elements("data")
            .Where(d => ((string)d.Attribute("name")!).StartsWith("topic-", StringComparison.Ordinal))
            .ToDictionary(d => ((string)d.Attribute("name")!)["topic-".Length..], d => (string)d.Element("value")!, StringComparer.Ordinal);
    }
}
