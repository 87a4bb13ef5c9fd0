using SentimentWatch.Core.Privacy;
using Xunit.Abstractions;

namespace SentimentWatch.Core.Tests.Privacy;

/// <summary>
/// Recall and precision of the redactor per kind on the labelled set (tools/redaction-eval.py,
/// 730 positives, 600 look-alike negatives), printed for docs/privacy.md and held to the goals:
/// recall ≥ 0.99 and precision ≥ 0.98 on the claimed kinds (e-mail, phone, ID number, card).
/// </summary>
public sealed class RedactionEvaluationTests(ITestOutputHelper output)
{
    private static readonly RedactionKinds[] Claimed = [RedactionKinds.Email, RedactionKinds.Phone, RedactionKinds.IdNumber, RedactionKinds.Card];
    private static readonly RedactionKinds[] OptIn = [RedactionKinds.Address, RedactionKinds.Name];

    private sealed record Item(string Kind, string Secret, string Text);

    private static List<Item> Load() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Privacy", "redaction-eval.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(parts => new Item(parts[0], parts[1], parts[2]))
            .ToList();

    private static RedactionKinds KindOf(string name) => name switch
    {
        "email" => RedactionKinds.Email,
        "phone" => RedactionKinds.Phone,
        "id-number" => RedactionKinds.IdNumber,
        "card" => RedactionKinds.Card,
        "address" => RedactionKinds.Address,
        "name" => RedactionKinds.Name,
        _ => RedactionKinds.None,
    };

    [Fact]
    public void The_set_holds_at_least_500_positives_covering_every_kind_and_500_look_alike_negatives()
    {
        var items = Load();

        items.Count(i => !i.Kind.StartsWith("negative", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(500);
        items.Count(i => i.Kind.StartsWith("negative", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(500);
        foreach (var kind in Claimed.Concat(OptIn))
        {
            items.Count(i => KindOf(i.Kind) == kind).ShouldBeGreaterThanOrEqualTo(40, kind.ToString());
        }
    }

    [Fact]
    public void Recall_and_precision_per_kind_meet_the_goals_on_the_claimed_kinds()
    {
        var items = Load();
        var found = new Dictionary<RedactionKinds, int>();
        var total = new Dictionary<RedactionKinds, int>();
        var falsePositives = new Dictionary<RedactionKinds, int>();
        var misses = new List<string>();
        var wrongs = new List<string>();
        foreach (var item in items)
        {
            var spans = PersonalDataRedactor.Find(item.Text, RedactionKinds.All);
            var redacted = PersonalDataRedactor.Redact(item.Text, RedactionKinds.All);
            var kind = KindOf(item.Kind);
            if (kind == RedactionKinds.None)
            {
                foreach (var span in spans)
                {
                    falsePositives[span.Kind] = falsePositives.GetValueOrDefault(span.Kind) + 1;
                    wrongs.Add($"{span.Kind}: {item.Text}");
                }

                continue;
            }

            total[kind] = total.GetValueOrDefault(kind) + 1;

            // Found = the secret is gone and its own kind's token took its place.
            if (!redacted.Contains(item.Secret, StringComparison.Ordinal) && redacted.Contains(PersonalDataRedactor.Token(kind), StringComparison.Ordinal))
            {
                found[kind] = found.GetValueOrDefault(kind) + 1;
            }
            else
            {
                misses.Add($"{kind}: {item.Text} -> {redacted}");
            }

            // A span of another kind on a positive is a false positive of that kind too.
            foreach (var span in spans.Where(s => s.Kind != kind))
            {
                falsePositives[span.Kind] = falsePositives.GetValueOrDefault(span.Kind) + 1;
                wrongs.Add($"{span.Kind} on a {kind}: {item.Text}");
            }
        }

        var failures = new List<string>();
        output.WriteLine("kind        items  recall  precision  (goal: recall >= 0.99, precision >= 0.98 on claimed kinds)");
        foreach (var kind in Claimed.Concat(OptIn))
        {
            var tp = found.GetValueOrDefault(kind);
            var recall = (double)tp / total[kind];
            var precision = tp + falsePositives.GetValueOrDefault(kind) == 0 ? 1 : (double)tp / (tp + falsePositives.GetValueOrDefault(kind));
            var claimed = Claimed.Contains(kind);
            output.WriteLine($"{kind,-10} {total[kind],6}  {recall,6:0.000}  {precision,9:0.000}  {(claimed ? "claimed" : "opt-in")}");
            if (claimed && (recall < 0.99 || precision < 0.98))
            {
                failures.Add($"{kind}: recall {recall:0.000}, precision {precision:0.000}");
            }
        }

        output.WriteLine($"negatives changed: {wrongs.Count}");
        output.WriteLine($"positives missed: {misses.Count}");
        foreach (var line in misses.Concat(wrongs).Take(60))
        {
            output.WriteLine("  " + line);
        }

        failures.ShouldBeEmpty();
    }
}
