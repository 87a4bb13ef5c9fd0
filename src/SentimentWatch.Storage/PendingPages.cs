namespace SentimentWatch.Storage;

/// <summary>
/// One pass over rows still to hand on (notices not yet notified), a page at a time by id (decision 257). A row the
/// receiver refuses stays pending for the next pass, and the pass reads on past it: the next page starts after the last
/// id read, not at the oldest pending row again, so refused rows never hold back the ones recorded after them. The pass
/// stops at a short page or after <c>maxTries</c> rows.
/// </summary>
public static class PendingPages
{
    /// <param name="page">Handles up to <c>take</c> pending rows with ids above <c>after</c>, oldest first: how many it sent, how many it read, the last id read.</param>
    /// <returns>How many rows the pass sent.</returns>
    public static async Task<int> DrainAsync(
        Func<long, int, CancellationToken, Task<(int Sent, int Read, long Last)>> page, int pageSize, int maxTries, CancellationToken cancellationToken)
    {
        var sent = 0;
        var tried = 0;
        var after = 0L;
        while (tried < maxTries)
        {
            var (pageSent, read, last) = await page(after, Math.Min(pageSize, maxTries - tried), cancellationToken);
            sent += pageSent;
            tried += read;
            if (read < pageSize)
            {
                break;
            }

            after = last;
        }

        return sent;
    }
}
