using System.CommandLine;
using Serilog;
using SentimentWatch.Cli;
using SentimentWatch.Hosting;

// The service first, before anything is written or opened: it may start itself again with two allocator arenas (decision 224).
if (args is [] or ["run", ..] or [['-', ..], ..])
{
    NativeArenas.RestartWithCappedArenas();
}

PlainConsole.UseWhenRedirected();
Logging.UseBootstrapLogger();
try
{
    // The host handles Ctrl+C and SIGTERM itself and drains the pipeline within
    // Host:ShutdownTimeout; System.CommandLine's own handler would end the process after 2 s.
    return await CommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException)
{
    return 130; // interrupted before the host took over Ctrl+C
}
catch (Exception ex) when (ex is not Microsoft.Extensions.Hosting.HostAbortedException
    // A test host running Program (WebApplicationFactory) is told why the service did not start: an exit code reaches it
    // only as "the entry point exited without ever building an IHost".
    && System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // Every verb's failure is reported the same way: operator faults as one line and exit 2.
    return CommandLine.Report(ex);
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
