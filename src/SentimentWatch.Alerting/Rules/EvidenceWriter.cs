using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SentimentWatch.Alerting;

/// <summary>
/// Writes a batch's evidence rows with multi-row <c>INSERT … ON CONFLICT DO UPDATE</c> statements
/// (the same text on SQLite and PostgreSQL), inside the caller's transaction (decision 189).
/// Every indexed mention of a watch with rules is a row, so this runs for nearly every mention:
/// through EF Core each row was a tracked entity and its own command, after a query for the rows
/// already there. A re-delivered mention refreshes the fields a re-score changes (sentiment,
/// topic, reach, risk terms) and is still one row, as before.
/// </summary>
internal static class EvidenceWriter
{
    private const int RowsPerStatement = 200;

    private static readonly string[] Columns = ["WatchId", "MentionId", "At", "Sentiment", "Source", "Topic", "Author", "Reach", "RiskTerms", "Url", "Excerpt"];

    private static readonly DateTimeOffsetToBinaryConverter Ticks = new();

    /// <summary>A time as the store gives it back (the converter keeps 0.1 ms), so a row held in memory compares as a stored one.</summary>
    public static DateTimeOffset AsStored(DateTimeOffset at) => (DateTimeOffset)Ticks.ConvertFromProvider(Ticks.ConvertToProvider(at)!)!;

    public static async Task UpsertAsync(AlertingDbContext db, IReadOnlyList<MentionEvidence> evidence, CancellationToken cancellationToken)
    {
        // One row per key in a statement (PostgreSQL refuses to update a row twice in one): a mention delivered twice in one batch carries the same time and text, so the last is kept.
        var rows = evidence.GroupBy(e => (e.WatchId, e.MentionId)).Select(g => g.Last()).ToList();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                Add(command, i, 0, e.WatchId);
                Add(command, i, 1, e.MentionId);
                Add(command, i, 2, Ticks.ConvertToProvider(e.At));
                Add(command, i, 3, e.Sentiment is { } sentiment ? (int)sentiment : null);
                Add(command, i, 4, e.Source);
                Add(command, i, 5, e.Topic);
                Add(command, i, 6, e.Author);
                Add(command, i, 7, e.Reach);
                Add(command, i, 8, e.RiskTerms);
                Add(command, i, 9, e.Url);
                Add(command, i, 10, e.Excerpt);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Add(DbCommand command, int row, int column, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = $"@p{row}_{column}";
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static readonly Dictionary<int, string> Statements = [];

    private static string Sql(int rows)
    {
        lock (Statements)
        {
            if (Statements.TryGetValue(rows, out var cached))
            {
                return cached;
            }

            var sql = new StringBuilder("INSERT INTO alert_evidence (")
                .AppendJoin(", ", Columns.Select(c => $"\"{c}\""))
                .Append(") VALUES ");
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (").AppendJoin(", ", Columns.Select((_, c) => $"@p{r}_{c}")).Append(')');
            }

            sql.Append(" ON CONFLICT (\"WatchId\", \"MentionId\") DO UPDATE SET \"Sentiment\" = excluded.\"Sentiment\", \"Topic\" = excluded.\"Topic\", \"Reach\" = excluded.\"Reach\", \"RiskTerms\" = excluded.\"RiskTerms\"");
            return Statements[rows] = sql.ToString();
        }
    }
}
