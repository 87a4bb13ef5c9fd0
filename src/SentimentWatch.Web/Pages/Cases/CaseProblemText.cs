using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// A refused case command as the console says it, in the reader's language. The desk's messages stay
/// English for the API's problem details; the console recognises the ones its forms can cause and
/// says them from its resources (codes as their labels). A message it does not know is shown as the desk wrote it.
/// </summary>
public static partial class CaseProblemText
{
    /// <summary>The desk's message (as a pattern) → the console's text key; groups fill {0}, {1}…</summary>
    private static readonly (Regex Pattern, string Key)[] Known =
    [
        (Summary(), "A resolution summary is required to resolve a case."),
        (RootCause(), "Choose a root cause to resolve the case."),
        (NoCase(), "There is no case #{0}."),
        (IntoMissing(), "Enter the number of the case that survives the merge."),
        (IntoSelf(), "A case cannot be merged into itself."),
        (AlreadyMerged(), "Case #{0} was already merged into another case."),
        (MergedReplyThere(), "Case #{0} was merged into case #{1}; reply there."),
        (NoteText(), "A note needs text."),
        (ReplyText(), "A reply needs the text that was sent."),
        (OverrideReason(), "An override needs a reason, which is recorded."),
        (OverrideNothing(), "Choose a new category and/or priority."),
        (Score(), "Choose a satisfaction score from 1 to 5."),
        (NotAnAgent(), "'{0}' is not a configured agent."),
        (OnlyOpenAssigned(), "Case #{0} is {1}; only open cases can be assigned."),
        (OnlyOpenTaken(), "Case #{0} is {1}; only open cases can be taken."),
        (CannotMove(), "Case #{0} cannot go from {1} to {2}."),
        (SatisfactionWhenResolved(), "Satisfaction is recorded at the follow-up of a resolved case; case #{0} is {1}."),
    ];

    public static string Say(CaseOutcome outcome, IStringLocalizer t)
    {
        var message = outcome.Message ?? string.Empty;
        foreach (var (pattern, key) in Known)
        {
            if (pattern.Match(message) is { Success: true } match)
            {
                var args = match.Groups.Values.Skip(1).Select(g => (object)StatusLabel(g.Value, t)).ToArray();
                return t[key, args].Value;
            }
        }

        return outcome.Field is null ? message : $"{outcome.Field}: {message}";
    }

    /// <summary>Statuses in a message read as the console's labels ("in progress" / "处理中").</summary>
    private static string StatusLabel(string value, IStringLocalizer t) =>
        t.CaseStatus(value);

    [GeneratedRegex("^a resolution summary is required to resolve a case$")]
    private static partial Regex Summary();

    [GeneratedRegex("^rootCause must be one of ")]
    private static partial Regex RootCause();

    [GeneratedRegex(@"^no case (\d+)$")]
    private static partial Regex NoCase();

    [GeneratedRegex("^into must be the id of the case that survives the merge$")]
    private static partial Regex IntoMissing();

    [GeneratedRegex("^a case cannot be merged into itself$")]
    private static partial Regex IntoSelf();

    [GeneratedRegex(@"^case (\d+) was already merged into another case$")]
    private static partial Regex AlreadyMerged();

    [GeneratedRegex(@"^case (\d+) was merged into case (\d+); reply there$")]
    private static partial Regex MergedReplyThere();

    [GeneratedRegex("^a note needs text$")]
    private static partial Regex NoteText();

    [GeneratedRegex("^a reply needs the text that was sent$")]
    private static partial Regex ReplyText();

    [GeneratedRegex("^an override needs a reason, which is recorded$")]
    private static partial Regex OverrideReason();

    [GeneratedRegex("^give a new category and/or priority$")]
    private static partial Regex OverrideNothing();

    [GeneratedRegex("^score must be a whole number from 1")]
    private static partial Regex Score();

    [GeneratedRegex(@"^'(.*)' is not a configured agent \(Cases:Agents\)$")]
    private static partial Regex NotAnAgent();

    [GeneratedRegex(@"^case (\d+) is ([a-z_]+); only open cases can be assigned$")]
    private static partial Regex OnlyOpenAssigned();

    [GeneratedRegex(@"^case (\d+) is ([a-z_]+); only open cases can be taken$")]
    private static partial Regex OnlyOpenTaken();

    [GeneratedRegex(@"^case (\d+) cannot go from ([a-z_]+) to ([a-z_]+)$")]
    private static partial Regex CannotMove();

    [GeneratedRegex(@"^satisfaction is recorded at the follow-up of a resolved case; case (\d+) is ([a-z_]+)$")]
    private static partial Regex SatisfactionWhenResolved();
}
