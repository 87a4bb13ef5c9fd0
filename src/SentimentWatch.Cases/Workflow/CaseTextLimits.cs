using System.Globalization;
using SentimentWatch.Core;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// How much text people may write on a case, the API and the console alike (<see cref="CaseDesk"/>
/// checks it), and how much of a bad value an error message repeats: a case is read in full by every
/// agent who opens it, so one pasted megabyte would slow every read of it for good.
/// </summary>
public static class CaseTextLimits
{
    /// <summary>A note or a logged reply to the customer: a long e-mail thread fits.</summary>
    public const int MaxNoteLength = 10_000;

    /// <summary>A resolution summary, the reason for a status change or an override, a satisfaction comment: as an analyst's label note.</summary>
    public const int MaxSummaryLength = 2_000;

    /// <summary>An agent id is a user name: ASP.NET Identity's limit, which the console's sign-in keeps.</summary>
    public const int MaxAgentIdLength = 256;

    /// <summary>How many characters of a bad value an error message quotes (<see cref="ProblemText.Quote"/>).</summary>
    public const int QuotedLength = ProblemText.QuotedLength;

    /// <summary>The problem with a text over its limit, naming the field; null when it fits (or is absent).</summary>
    internal static CaseOutcome? TooLong(string field, string? value, int max) =>
        value is { Length: var length } && length > max
            ? CaseOutcome.Invalid(field, string.Create(CultureInfo.InvariantCulture, $"{field} must be at most {max:N0} characters (was {length:N0})"))
            : null;
}
