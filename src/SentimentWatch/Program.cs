using Serilog;
using SentimentWatch.Cli;
using SentimentWatch.Hosting;

Logging.UseBootstrapLogger();
try
{
    return await CommandLine.Create().Parse(args).InvokeAsync();
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
