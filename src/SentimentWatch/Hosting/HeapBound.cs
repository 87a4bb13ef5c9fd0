using Microsoft.Extensions.Options;

namespace SentimentWatch.Hosting;

/// <summary>The <c>Host</c> section: how the long-running service treats its process.</summary>
public sealed class HostSettings
{
    public const string SectionName = "Host";

    /// <summary>How long a stop waits for the pipeline to drain (read into the framework's HostOptions).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The managed heap's starting bound in MiB, 512 by default, 0 for none (decisions 223, 228): the garbage collector keeps the
    /// heap within it, and the service raises it when what lives after a full collection passes two thirds of it (read every
    /// 250 ms), so the bound follows the data instead of failing a large deployment; growth faster than about 1 GB/s can still
    /// outrun it. A bound the runtime already has (<c>DOTNET_GCHeapHardLimit</c>, a container's memory limit) is left as it is.
    /// At a million mentions it keeps the resident set under 1 GB for about 13 % more CPU per mention (decision 228).
    /// </summary>
    public int HeapBoundMiB { get; set; } = DefaultHeapBoundMiB;

    public const int DefaultHeapBoundMiB = 512;
}

public sealed class HostSettingsValidator : IValidateOptions<HostSettings>
{
    public ValidateOptionsResult Validate(string? name, HostSettings options)
    {
        var failures = new List<string>();
        if (options.ShutdownTimeout <= TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{HostSettings.SectionName}:ShutdownTimeout must be more than 0 and at most 01:00:00 (hh:mm:ss), was {options.ShutdownTimeout}");
        }

        if (options.HeapBoundMiB != 0 && options.HeapBoundMiB is < HeapBound.MinimumMiB or > HeapBound.MaximumMiB)
        {
            failures.Add($"{HostSettings.SectionName}:HeapBoundMiB must be 0 (no bound) or {HeapBound.MinimumMiB:N0}–{HeapBound.MaximumMiB:N0} MiB, was {options.HeapBoundMiB:N0}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// What the heap bound decides from one reading of the collector. Pure, so the policy is tested without a runtime to squeeze.
/// </summary>
/// <param name="LiveBytes">What survived the latest full (gen2) collection; 0 before the first.</param>
public readonly record struct HeapReading(long BoundBytes, long LiveBytes);

/// <summary>
/// Decision 223: the long-running service bounds its managed heap (<see cref="HostSettings.HeapBoundMiB"/>, on by default
/// since decision 228). Left alone, the server collector keeps several hundred MiB
/// of headroom over a live heap a quarter of its size (docs/throughput.md, round 9: 267 MB live, 844 MB committed), which put a
/// million indexed mentions at 1.5 GiB resident. A fixed bound would fail a bigger deployment (decision 202), so this one
/// starts at the setting and is raised, never lowered, to <see cref="Headroom"/> times the live
/// heap whenever the live heap passes <see cref="RaiseAt"/> of it. Collections pausing the process are not a sign of a tight
/// bound: under load they take 15–30 % of the time whatever the bound (a first version that raised on them raised the bound
/// to the maximum within three minutes). It runs in the service only: the CLI's training
/// verbs and tools keep the runtime's defaults.
/// </summary>
public sealed class HeapBound(IOptions<HostSettings> settings, ILogger<HeapBound> logger) : BackgroundService
{
    public const int MinimumMiB = 128;
    public const int MaximumMiB = 1_048_576;

    /// <summary>A raised bound is this many times the live heap.</summary>
    public const double Headroom = 1.5;

    /// <summary>The bound is raised when the live heap passes this share of it.</summary>
    public const double RaiseAt = 2.0 / 3;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly Lock Gate = new();
    private static long s_boundBytes;

    /// <summary>The bound in force in this process (0: none set by the service).</summary>
    public static long CurrentBytes => Interlocked.Read(ref s_boundBytes);

    /// <summary>The bound the runtime was started with (<c>DOTNET_GCHeapHardLimit</c>, a container's memory limit), 0 when none.</summary>
    public static long RuntimeBytes { get; } =
        GC.GetConfigurationVariables().TryGetValue("GCHeapHardLimit", out var set) && Convert.ToInt64(set, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var bytes
            ? bytes
            : 0;

    /// <summary>The bound in force: the service's, else the runtime's own, else 0.</summary>
    public static long InForceBytes => CurrentBytes > 0 ? CurrentBytes : RuntimeBytes;

    /// <summary>The bound this service set and the limit the runtime reports, read together (a raise may be under way otherwise).</summary>
    public static (long Set, long Runtime) Reading()
    {
        lock (Gate)
        {
            return (s_boundBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        }
    }

    /// <summary>The bound to set after <paramref name="reading"/>, or null to keep the one in force.</summary>
    public static long? Next(HeapReading reading)
    {
        const long step = 64L * 1024 * 1024;
        var wanted = reading.LiveBytes > reading.BoundBytes * RaiseAt ? (long)(reading.LiveBytes * Headroom) : 0;
        if (wanted <= reading.BoundBytes)
        {
            return null;
        }

        var rounded = Math.Min((wanted + step - 1) / step * step, MaximumMiB * 1024L * 1024);
        return rounded > reading.BoundBytes ? rounded : null; // at the largest setting already: nothing to raise
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startMiB = settings.Value.HeapBoundMiB;
        if (startMiB == 0)
        {
            logger.LogInformation("Memory: {NativeArenas:l}; managed heap unbounded (Host:HeapBoundMiB is 0)", NativeArenas.Outcome);
            return;
        }

        if (RuntimeBytes is > 0 and var runtimeBound && CurrentBytes == 0)
        {
            logger.LogInformation("Memory: {NativeArenas:l}; managed heap bound {BoundMiB} MiB set by the runtime (DOTNET_GCHeapHardLimit or a container limit) is kept; Host:HeapBoundMiB is not applied", NativeArenas.Outcome, runtimeBound / 1048576);
            return;
        }

        // A process that already holds more than the start (another host in it, a late start) begins above what it holds.
        var start = Math.Max(startMiB * 1024L * 1024, (long)(GC.GetGCMemoryInfo().TotalCommittedBytes * Headroom));
        if (!TrySet(start, out var error))
        {
            logger.LogWarning("Managed heap bound of {BoundMiB} MiB (Host:HeapBoundMiB {SettingMiB}) could not be set ({Reason}); the heap stays unbounded", start / 1048576, startMiB, error);
            return;
        }

        logger.LogInformation("Memory: {NativeArenas:l}; managed heap bounded at {BoundMiB} MiB, raised to {Headroom}× the live heap as the data grows (Host:HeapBoundMiB)", NativeArenas.Outcome, CurrentBytes / 1048576, Headroom);

        // Real time, whatever clock the host was given: the collector works in real time.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            await WatchAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, also when the host stops before it has started (a port in use): not a fault of this service.
        }
    }

    private async Task WatchAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var reading = new HeapReading(CurrentBytes, LiveAfterFullCollection());
            if (Next(reading) is { } next)
            {
                var before = CurrentBytes;
                if (TrySet(next, out var error))
                {
                    logger.LogInformation(
                        "Managed heap bound raised from {FromMiB} to {ToMiB} MiB (live after the last full collection {LiveMiB} MiB)",
                        before / 1048576, CurrentBytes / 1048576, reading.LiveBytes / 1048576);
                }
                else
                {
                    logger.LogWarning("Managed heap bound could not be raised to {ToMiB} MiB ({Reason})", next / 1048576, error);
                }
            }
        }
    }

    /// <summary>
    /// What the most recent gen2 collection (blocking or background) found alive. Its promoted bytes, not the heap's size after
    /// it: a background collection's heap size also holds what was allocated while it ran.
    /// </summary>
    private static long LiveAfterFullCollection()
    {
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var latest = blocking.Index >= background.Index ? blocking : background;
        return latest.Index == 0 ? 0 : latest.PromotedBytes;
    }

    /// <summary>Sets the bound process-wide; a host in the same process (tests) never lowers what another set.</summary>
    private static bool TrySet(long bytes, out string? error)
    {
        lock (Gate)
        {
            if (bytes <= s_boundBytes)
            {
                error = null;
                return true;
            }

            try
            {
                AppContext.SetData("GCHeapHardLimit", (ulong)bytes);
                GC.RefreshMemoryLimit();
                Interlocked.Exchange(ref s_boundBytes, bytes);
                error = null;
                return true;
            }
            catch (InvalidOperationException ex)
            {
                // Below what is already committed: the collector refuses; try again at the next raise.
                error = ex.Message;
                return false;
            }
        }
    }
}
