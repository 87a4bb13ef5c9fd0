namespace SentimentWatch.Cli;

/// <summary>The machine's load while a benchmark runs, printed beside its figures (they mean little without it).</summary>
internal static class MachineLoad
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or "n/a" where there is none.</summary>
    public static string Average()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
