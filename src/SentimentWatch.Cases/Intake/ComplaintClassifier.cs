using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Cases.Intake;

/// <summary>What the priority rules look at for one complaint.</summary>
public sealed record ComplaintFacts(
    float Negative,
    long Reach,
    IReadOnlyList<string> RiskTerms,
    string? Source,
    string? Author,
    string Category,
    bool InOpenAlert,
    bool DirectComplaint);

/// <summary>
/// 分类: whether a mention is a complaint that opens a case, its category (the complaint topic)
/// and its priority from the configured rules.
/// </summary>
public static class ComplaintClassifier
{
    /// <summary>
    /// A direct complaint always qualifies; otherwise the mention must be scored negative with at
    /// least the watch's probability and carry a complaint topic (any but <c>other</c>, or the
    /// listed ones).
    /// </summary>
    public static bool Qualifies(Mention mention, WatchCaseSettings settings)
    {
        if (mention.DirectComplaint)
        {
            return true;
        }

        if (mention.Sentiment is not { } sentiment || sentiment.Negative < settings.MinNegative)
        {
            return false;
        }

        var topic = mention.Topic?.Topic;
        if (topic is null)
        {
            return false;
        }

        return settings.Topics.Count == 0
            ? !string.Equals(topic, ComplaintTopics.Other, StringComparison.Ordinal)
            : settings.Topics.Contains(topic, StringComparer.Ordinal);
    }

    public static string Category(Mention mention) => mention.Topic?.Topic ?? ComplaintTopics.Other;

    /// <summary>The highest priority (lowest number) among the rules that match; the default when none does.</summary>
    public static int Priority(ComplaintFacts facts, CasesOptions options)
    {
        CasePriority.TryParse(options.DefaultPriority, out var best);
        foreach (var rule in options.PriorityRules)
        {
            if (CasePriority.TryParse(rule.Priority, out var priority) && priority < best && Matches(rule, facts, options))
            {
                best = priority;
            }
        }

        return best;
    }

    public static bool IsVip(string? source, string? author, CasesOptions options)
    {
        if (string.IsNullOrWhiteSpace(author))
        {
            return false;
        }

        var handle = author.Trim();
        return options.VipAuthors.Any(v =>
            string.Equals(v, handle, StringComparison.OrdinalIgnoreCase)
            || (source is not null && string.Equals(v, source + ":" + handle, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool Matches(PriorityRuleSettings rule, ComplaintFacts facts, CasesOptions options)
    {
        if (rule.MinNegative is { } minNegative && facts.Negative < minNegative)
        {
            return false;
        }

        if (rule.MinReach is { } minReach && facts.Reach < minReach)
        {
            return false;
        }

        if (rule.AnyRiskTerm == true && facts.RiskTerms.Count == 0)
        {
            return false;
        }

        if (rule.RiskTerms.Count > 0 && !facts.RiskTerms.Any(t => rule.RiskTerms.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (rule.VipAuthor is { } vip && vip != IsVip(facts.Source, facts.Author, options))
        {
            return false;
        }

        if (rule.Categories.Count > 0 && !rule.Categories.Contains(facts.Category, StringComparer.Ordinal))
        {
            return false;
        }

        if (rule.InOpenAlert is { } inAlert && inAlert != facts.InOpenAlert)
        {
            return false;
        }

        return rule.DirectComplaint is not { } direct || direct == facts.DirectComplaint;
    }
}
