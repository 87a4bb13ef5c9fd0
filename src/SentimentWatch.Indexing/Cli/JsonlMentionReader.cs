using System.Runtime.CompilerServices;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Indexing.Cli;

/// <summary>Reads a JSON Lines dump of mentions (the <see cref="MentionJson"/> shape, one per line; blank lines skipped).</summary>
public sealed class JsonlMentionReader(string path)
{
    public long BytesRead { get; private set; }

    public async IAsyncEnumerable<Mention> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var reader = new StreamReader(stream);
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            BytesRead = stream.Position;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            Mention mention;
            try
            {
                mention = MentionJson.Deserialize(text);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new InvalidDataException($"{path} line {line}: not a mention ({ex.Message}); fix or remove the line and run reindex again", ex);
            }

            yield return mention;
        }
    }
}
