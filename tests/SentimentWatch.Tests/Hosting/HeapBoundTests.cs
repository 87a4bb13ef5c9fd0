using SentimentWatch.Hosting;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Decision 223: the long-running service bounds its managed heap and raises the bound as the live heap grows, instead of
/// letting the server collector keep hundreds of MiB of headroom, or failing a deployment whose data outgrows a fixed bound.
/// </summary>
public sealed class HeapBoundTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void ALiveHeapUnderTwoThirdsOfTheBound_KeepsIt()
    {
        HeapBound.Next(new HeapReading(512 * MiB, 300 * MiB)).ShouldBeNull();
        HeapBound.Next(new HeapReading(512 * MiB, 0)).ShouldBeNull();
    }

    [Fact]
    public void ALiveHeapPastTwoThirdsOfTheBound_RaisesItToHalfAgainTheLiveHeap_InWholeSteps()
    {
        var next = HeapBound.Next(new HeapReading(512 * MiB, 400 * MiB)).ShouldNotBeNull();

        next.ShouldBe(640 * MiB); // 600 MiB rounded up to 64 MiB steps
        (next % (64 * MiB)).ShouldBe(0);
    }

    [Fact]
    public void TheBoundNeverPassesTheLargestSetting()
    {
        var top = HeapBound.MaximumMiB * MiB;
        HeapBound.Next(new HeapReading(top - 64 * MiB, top)).ShouldBe(top);
    }

    [Fact]
    public void AtTheLargestSetting_TheBoundIsNotRaisedAgain()
    {
        var top = HeapBound.MaximumMiB * MiB;
        HeapBound.Next(new HeapReading(top, top)).ShouldBeNull();
    }

    [Theory]
    [InlineData("64", "Host:HeapBoundMiB must be 0 (no bound) or 128")]
    [InlineData("-1", "Host:HeapBoundMiB must be 0 (no bound) or 128")]
    [InlineData("00:00:00", "Host:ShutdownTimeout must be more than 0")]
    public void AnUnusableSetting_IsNamed(string value, string message)
    {
        var settings = new HostSettings();
        if (message.Contains("HeapBound", StringComparison.Ordinal))
        {
            settings.HeapBoundMiB = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            settings.ShutdownTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var result = new HostSettingsValidator().Validate(null, settings);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(message);
    }

}

/// <summary>
/// The real host in this test process. Alone, after the parallel tests: the bound is process-wide, and the test grows the
/// live heap by hundreds of MiB.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class HeapBoundHostTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The real host in this test process: the runtime takes the service's bound (it reports it as the memory available to
    /// the heap), and a live heap grown past two thirds of it raises it before the collector runs out of room. Alone, after the
    /// parallel tests: the bound is process-wide.
    /// </summary>
    [Fact]
    public async Task TheServiceBoundsItsHeap_AndRaisesTheBoundAsTheLiveHeapGrows()
    {
        using var service = new ServiceFactory { Settings = new Dictionary<string, string> { ["Host:HeapBoundMiB"] = "512" } };
        using var client = service.ClientWithKey(ServiceFactory.AdminKey);
        (await client.GetAsync("/health")).EnsureSuccessStatusCode();
        if (HeapBound.RuntimeBytes > 0)
        {
            // A container's memory limit or DOTNET_GCHeapHardLimit: the service keeps the runtime's bound and sets none.
            await Task.Delay(1000);
            HeapBound.CurrentBytes.ShouldBe(0);
            HeapBound.InForceBytes.ShouldBe(HeapBound.RuntimeBytes);
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes.ShouldBe(HeapBound.RuntimeBytes);
            return;
        }

        try
        {
            await BoundAndRaiseAsync();
        }
        finally
        {
            // The bound is process-wide and outlives the host: leave the tests after this one a heap they cannot outgrow.
            AppContext.SetData("GCHeapHardLimit", (ulong)(HeapBound.MaximumMiB * MiB));
            GC.RefreshMemoryLimit();
        }
    }

    private static async Task BoundAndRaiseAsync()
    {
        var bound = await EventuallyAsync(() => HeapBound.CurrentBytes, b => b > 0);
        var (set, runtime) = HeapBound.Reading();
        runtime.ShouldBe(set);

        // Grow the live heap past 75 % of the bound in steps, as an index's data grows, and keep it alive. What the rest of
        // this test process holds counts too, so only the difference is allocated.
        var kept = new List<byte[]>();
        var target = Math.Max(64 * MiB, (long)(bound * 0.75) - GC.GetTotalMemory(forceFullCollection: true));
        long held = 0;
        while (held < target)
        {
            var chunk = new byte[4 * MiB];
            Array.Fill(chunk, (byte)1);
            kept.Add(chunk);
            held += chunk.Length;
            if (kept.Count % 8 == 0)
            {
                await Task.Delay(20);
            }
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        // Each raise is to 1.5 × the live heap, and any growth past that raise's live heap raises again, so the bound ends at
        // or above 1.5 × what this test alone keeps alive.
        var raised = await EventuallyAsync(() => HeapBound.CurrentBytes, b => b > bound && b >= held * HeapBound.Headroom);

        raised.ShouldBeGreaterThan(bound);
        (set, runtime) = HeapBound.Reading();
        runtime.ShouldBe(set);
        set.ShouldBeGreaterThanOrEqualTo(raised);
        HeapBound.InForceBytes.ShouldBe(set);
        GC.KeepAlive(kept);
    }

    private static async Task<long> EventuallyAsync(Func<long> read, Func<long, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var value = read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = read();
        }

        done(value).ShouldBeTrue($"last read {value / MiB} MiB");
        return value;
    }
}
