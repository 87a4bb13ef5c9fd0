using Spectre.Console;

namespace SentimentWatch.Hosting;

/// <summary>
/// Output redirected to a file or a pipe gets plain text: no colour codes, no wrapping at 80
/// columns, no progress animations (Spectre.Console otherwise decides from TERM alone and wrote
/// <c>ESC[38;5;9m</c> into redirected output). <c>NO_COLOR</c> asks the same on a terminal.
/// </summary>
public static class PlainConsole
{
    public static bool Wanted =>
        Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static void UseWhenRedirected()
    {
        if (!Wanted)
        {
            return;
        }

        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        AnsiConsole.Profile.Width = 1024;
    }
}
