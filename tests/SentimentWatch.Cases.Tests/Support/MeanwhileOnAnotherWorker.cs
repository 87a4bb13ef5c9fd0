using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SentimentWatch.Cases.Tests.Support;

/// <summary>
/// Makes a race between two workers happen at one chosen point: registered on the desk's context factory, it runs
/// <see cref="Arm"/>'s <c>meanwhile</c> once, right after the first command that reads the named table with the given
/// parameter value has executed, and only then lets the desk go on. What the other worker does runs on its own
/// contexts and connections and is finished (committed) before the desk's next command, so the interleaving that a
/// multi-worker deployment hits only by chance happens on every run.
/// </summary>
internal sealed class MeanwhileOnAnotherWorker : DbCommandInterceptor
{
    private readonly Lock _lock = new();
    private string? _table;
    private object? _value;
    private Func<Task>? _meanwhile;

    /// <summary>Whether the armed command was seen (and <c>meanwhile</c> ran): a test that relies on the race asserts it.</summary>
    public bool Fired { get; private set; }

    /// <summary>
    /// The SQL text of the command after which <c>meanwhile</c> ran: EF Core quotes names on SQLite and not on
    /// PostgreSQL, so the test says which query it meant by table and parameter, and this shows which one it caught.
    /// </summary>
    public string? FiredAfter { get; private set; }

    public void Arm(string table, object value, Func<Task> meanwhile)
    {
        lock (_lock)
        {
            (_table, _value, _meanwhile, Fired, FiredAfter) = (table, value, meanwhile, false, null);
        }
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (Take(command) is { } meanwhile)
        {
            await meanwhile();
        }

        return result;
    }

    /// <summary>Disarms before the other worker runs, so its own reads of the same table do not fire again.</summary>
    private Func<Task>? Take(DbCommand command)
    {
        lock (_lock)
        {
            if (_meanwhile is null || !command.CommandText.Contains(_table!, StringComparison.Ordinal)
                || !command.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, _value)))
            {
                return null;
            }

            var meanwhile = _meanwhile;
            _meanwhile = null;
            Fired = true;
            FiredAfter = command.CommandText;
            return meanwhile;
        }
    }
}
