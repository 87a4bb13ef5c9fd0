using System.Runtime.InteropServices;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>The packed form of a day's rollups (decision 198) gives back every key and value it was given.</summary>
public sealed class MetricGroupCodecTests
{
    [Fact]
    public void Decode_GivesBackEveryKeyCountAndValue_ForRandomDays()
    {
        var random = new Random(198);
        string[] keys = ["", "(none)", "a", "agent-7", "客服-张三", "refund_return", "1234567", "12345678", "123456789", "团队🙂"];
        for (var round = 0; round < 200; round++)
        {
            var groups = keys.OrderBy(_ => random.Next()).Take(random.Next(0, keys.Length + 1)).Order(StringComparer.Ordinal)
                .Select(key => new CaseMetricDay
                {
                    Day = 739_500,
                    Key = key,
                    Volume = random.Next(0, 5000),
                    Resolved = random.Next(0, 5000),
                    Breached = random.Next(0, 5000),
                    Reopened = random.Next(0, 50),
                    Rated = random.Next(0, 50),
                    RatingSum = random.NextInt64(0, long.MaxValue / 2),
                    Open = random.Next(0, 3) == 0 ? 0 : random.Next(1, 500),
                    OpenBreached = random.Next(0, 500),
                    FirstResponseTicks = Sorted(random, random.Next(0, 40)),
                    ResolutionTicks = Sorted(random, random.Next(0, 40)),
                    OpenDueKeys = Sorted(random, random.Next(0, 3)),
                    UnratedResolvedAt = Sorted(random, random.Next(0, 40)),
                })
                .ToList();

            var blob = MetricGroupCodec.Encode(groups);
            var decoded = new List<CaseMetricDay>();
            MetricGroupCodec.Decode(739_500, blob, openOnly: false, decoded.Add);
            decoded.Count.ShouldBe(groups.Count);
            for (var i = 0; i < groups.Count; i++)
            {
                ShouldMatch(decoded[i], groups[i]);
            }

            var open = new List<CaseMetricDay>();
            MetricGroupCodec.Decode(739_500, blob, openOnly: true, open.Add);
            open.Select(g => g.Key).ShouldBe(groups.Where(g => g.Open > 0).Select(g => g.Key));
        }
    }

    private static void ShouldMatch(CaseMetricDay actual, CaseMetricDay expected)
    {
        actual.Day.ShouldBe(expected.Day);
        actual.Key.ShouldBe(expected.Key);
        (actual.Volume, actual.Resolved, actual.Breached, actual.Reopened, actual.Rated, actual.RatingSum, actual.Open, actual.OpenBreached)
            .ShouldBe((expected.Volume, expected.Resolved, expected.Breached, expected.Reopened, expected.Rated, expected.RatingSum, expected.Open, expected.OpenBreached), expected.Key);
        foreach (var (a, e) in new[]
                 {
                     (actual.FirstResponseTicks, expected.FirstResponseTicks), (actual.ResolutionTicks, expected.ResolutionTicks),
                     (actual.OpenDueKeys, expected.OpenDueKeys), (actual.UnratedResolvedAt, expected.UnratedResolvedAt),
                 })
        {
            MemoryMarshal.Cast<byte, long>(a.Span).ToArray().ShouldBe(MemoryMarshal.Cast<byte, long>(e.Span).ToArray(), expected.Key);
        }
    }

    private static byte[] Sorted(Random random, int count)
    {
        var values = Enumerable.Range(0, count).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).Order().ToArray();
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
