using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SentimentWatch.Hosting;

/// <summary>
/// Decisions 223 and 224: glibc gives each thread that allocates natively an arena of its own (up to eight per core) and keeps
/// their freed memory; in the service, where SQLite allocates from every pipeline, desk and request thread, that was ~190 MiB of
/// the resident set at a million mentions (anonymous memory at most 805 MiB with the default, 612 MiB with
/// <c>MALLOC_ARENA_MAX=2</c>, same heap bound). glibc reads that limit once, when its ninth arena is made, and the runtime's own
/// threads have made nine before <c>Main</c> runs, so asking from inside the process (<c>mallopt</c>, decision 223's first
/// version) changed nothing. The service therefore starts itself again, in the same process (<c>execve</c>: same process id,
/// same standard streams), with <c>MALLOC_ARENA_MAX=2</c> added to its environment, unless the environment already names a
/// number (which is how an operator chooses another one).
/// </summary>
public static class NativeArenas
{
    public const int Count = 2;

    public const string Variable = "MALLOC_ARENA_MAX";

    private static string? s_restartFailure;

    /// <summary>What the arenas are, for the start-up log.</summary>
    public static string Outcome =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set
            ? $"native allocator arenas at most {set} ({Variable})"
            : s_restartFailure ?? "native allocator arenas as the platform has them";

    /// <summary>
    /// Starts the service again with <see cref="Variable"/>=<see cref="Count"/> when it is this program's own entry point on
    /// Linux with glibc and the variable is unset. Returns only when it did not (or could not: the reason goes to
    /// <see cref="Outcome"/>). Call it first, before anything is written or opened.
    /// </summary>
    public static void RestartWithCappedArenas()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
            // A test host running Program (WebApplicationFactory) must never be replaced.
            || System.Reflection.Assembly.GetEntryAssembly() != typeof(NativeArenas).Assembly
            || Debugger.IsAttached
            || !IsGlibc()
            || Environment.ProcessPath is not { } path)
        {
            return;
        }

        string[] arguments;
        try
        {
            // The command line exactly as started (the muxer's own arguments included), NUL-separated.
            arguments = File.ReadAllText("/proc/self/cmdline").Split('\0');
            arguments = arguments[^1].Length == 0 ? arguments[..^1] : arguments;
        }
        catch (IOException ex)
        {
            s_restartFailure = $"native allocator arenas as the platform has them (could not read the command line to set {Variable}: {ex.Message})";
            return;
        }

        var environment = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{entry.Key}={entry.Value}");
        }

        environment.Add($"{Variable}={Count}");
        var argv = ToNative(arguments);
        var envp = ToNative(environment);
        try
        {
            var socketRemoved = RemoveDiagnosticsSocket();
            execve(path, argv, envp); // returns only on failure
            s_restartFailure = $"native allocator arenas as the platform has them (restarting with {Variable}={Count} failed: errno {Marshal.GetLastPInvokeError()})"
                + (socketRemoved ? "; diagnostics tools cannot attach to this process (its diagnostics socket was removed for the restart)" : "");
        }
        finally
        {
            Free(argv);
            Free(envp);
        }
    }

    /// <summary>
    /// The runtime's diagnostics socket (what <c>dotnet-counters</c>, <c>dotnet-trace</c> and <c>dotnet-dump</c> attach to) is
    /// <c>dotnet-diagnostic-{pid}-{start time}-socket</c> in the temporary folder, the start time in clock ticks as
    /// <c>/proc/self/stat</c> gives it, and <c>execve</c> keeps both: while this runtime's socket file is there the restarted
    /// runtime cannot listen under that name, and the tools found a socket nobody answered ("connection refused"). Removed just
    /// before the restart (that exact name only: another process's socket in a shared folder is never touched), the
    /// restarted runtime makes its own. Returns whether a socket was removed.
    /// </summary>
    private static bool RemoveDiagnosticsSocket()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // After the command name, which may hold spaces and parentheses, field 3 (state) onwards; the start time is field 22.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var socket = Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-{fields[22 - 3]}-socket");
            if (!File.Exists(socket))
            {
                return false;
            }

            File.Delete(socket);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false; // diagnostics tools will not attach to the restarted process; the service itself is unaffected
        }
    }

    private static bool IsGlibc()
    {
        try
        {
            return gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl (Alpine) has no per-thread arenas to cap
        }
    }

    private static IntPtr[] ToNative(IReadOnlyList<string> strings)
    {
        var native = new IntPtr[strings.Count + 1]; // NULL-terminated
        for (var i = 0; i < strings.Count; i++)
        {
            native[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }

        return native;
    }

    private static void Free(IntPtr[] native)
    {
        foreach (var pointer in native)
        {
            Marshal.FreeCoTaskMem(pointer);
        }
    }

#pragma warning disable SYSLIB1054 // blittable arrays and one UTF-8 path: the source-generated form would need unsafe code
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int execve(string path, IntPtr[] argv, IntPtr[] envp);

    [DllImport("libc")]
    private static extern IntPtr gnu_get_libc_version();
#pragma warning restore SYSLIB1054
}
