namespace SentimentWatch.Core;

/// <summary>
/// The known name a mistyped one was meant to be, for "did you mean" in refusals: a configuration key nothing reads
/// (<c>ConfigurationCheck</c>) and a query parameter an endpoint does not take (<c>MentionQueryParameters.RefuseUnread</c>).
/// </summary>
public static class ClosestName
{
    /// <summary>
    /// The name of <paramref name="known"/> fewest edits from <paramref name="given"/> (letters compared case-insensitively), when
    /// it is within a quarter of the given name's length (at least one edit); else null. Ties go to the first in ordinal order.
    /// </summary>
    public static string? Of(string given, IEnumerable<string> known) =>
        known.Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(given.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(1, given.Length / 4))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
