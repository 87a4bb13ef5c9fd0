using System.Diagnostics;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

public sealed class LuceneMentionIndexDurabilityTests : IDisposable
{
    private readonly TempFolder folder = new();

    private string IndexPath => Path.Combine(folder.Path, "index");

    [Fact]
    public async Task ReopeningTheIndexFindsEverythingUpserted()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            await index.UpsertAsync(CrashWriter.Batch(1), CancellationToken.None);
        }

        using var reopened = new LuceneMentionIndex(IndexPath);
        (await reopened.HealthAsync(CancellationToken.None)).DocumentCount.ShouldBe(CrashWriter.BatchSize);
        (await reopened.GetAsync("b1-7", CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task AfterReopeningReUpsertingAStoredMentionReplacesItInsteadOfAddingASecondCopy()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            await index.UpsertAsync(CrashWriter.Batch(1), CancellationToken.None);
        }

        // The reopened index must know the stored ids (its append fast path must not treat them as new).
        using var reopened = new LuceneMentionIndex(IndexPath);
        await reopened.UpsertAsync(CrashWriter.Batch(1), CancellationToken.None);
        await reopened.UpsertAsync(CrashWriter.Batch(2).Concat(CrashWriter.Batch(1)).ToList(), CancellationToken.None);

        (await reopened.HealthAsync(CancellationToken.None)).DocumentCount.ShouldBe(2 * CrashWriter.BatchSize);
        var ids = new List<string>();
        await foreach (var mention in reopened.ScanAsync(new MentionFilter(), CancellationToken.None))
        {
            ids.Add(mention.Id);
        }

        ids.Count.ShouldBe(2 * CrashWriter.BatchSize);
        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
    }

    /// <summary>
    /// Decision 228: no segment is a compound file, flushed or merged, so every segment's stored fields are read with file
    /// reads (decision 223) rather than mapped inside a .cfs.
    /// </summary>
    [Fact]
    public async Task SegmentsFlushedAndMergedAreNotCompoundFilesSoStoredFieldsStayUnmapped()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            // Lucene's defaults write flushed segments, and merged ones under a tenth of the index, as compound files.
            index.CompoundFiles.ShouldBe((false, 0.0));

            // More commits than a merge tier holds (10), so the writer merges too.
            for (var batch = 0; batch < 14; batch++)
            {
                await index.UpsertAsync(CrashWriter.Batch(batch), CancellationToken.None);
            }
        }

        var files = Directory.GetFiles(IndexPath).Select(Path.GetFileName).ToList();
        files.ShouldNotContain(f => f!.EndsWith(".cfs", StringComparison.Ordinal) || f.EndsWith(".cfe", StringComparison.Ordinal));
        files.Count(f => f!.EndsWith(".fdt", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
        using var reopened = new LuceneMentionIndex(IndexPath);
        (await reopened.HealthAsync(CancellationToken.None)).DocumentCount.ShouldBe(14 * CrashWriter.BatchSize);
    }

    /// <summary>
    /// Decision 229: a refreshed segment's files go to the operating system, not to the disk; a commit makes every file it names
    /// durable, so nothing it names is left unsynced (Lucene.NET forced each file to disk as it closed and synced nothing at
    /// commit). The files carry the checksums Lucene checks: CheckIndex reads every one of them back.
    /// </summary>
    [Fact]
    public async Task RefreshedSegmentsWaitForACommitToBeSyncedAndEveryFilePassesLucenesChecks()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            for (var batch = 0; batch < 14; batch++)
            {
                await index.IndexAsync(CrashWriter.Batch(batch), CancellationToken.None);
                await index.RefreshAsync(CancellationToken.None);
                if (batch % 5 == 4)
                {
                    index.UnsyncedFiles.ShouldContain(f => f.EndsWith(".fdt", StringComparison.Ordinal), "a refreshed segment's stored fields");
                    index.UnsyncedFiles.ShouldContain(f => f.EndsWith(".tim", StringComparison.Ordinal), "a refreshed segment's terms");
                    await index.CommitAsync(CancellationToken.None);
                    ShouldBeSynced(index);
                }
            }

            await index.CommitAsync(CancellationToken.None);
            ShouldBeSynced(index);
        }

        using var folderIndex = global::Lucene.Net.Store.FSDirectory.Open(IndexPath);
        var check = new global::Lucene.Net.Index.CheckIndex(folderIndex);
        var status = check.DoCheckIndex();
        status.Clean.ShouldBeTrue();
        status.SegmentInfos.Sum(s => s.DocCount).ShouldBe(14 * CrashWriter.BatchSize);
    }

    /// <summary>
    /// Decision 229: terms are written in blocks of 96–192 (Lucene's default 25–48), a quarter of the per-block FSTs to build,
    /// and a reader with Lucene's own codecs (CheckIndex) reads them.
    /// </summary>
    [Fact]
    public async Task TermsAreWrittenInLargerBlocksThatLucenesOwnCodecReads()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            await index.UpsertAsync([.. Enumerable.Range(0, 40).SelectMany(CrashWriter.Batch)], CancellationToken.None);
        }

        using var folderIndex = global::Lucene.Net.Store.FSDirectory.Open(IndexPath);
        var status = new global::Lucene.Net.Index.CheckIndex(folderIndex).DoCheckIndex();
        status.Clean.ShouldBeTrue();
        // One segment, or one per indexing thread.
        var ids = status.SegmentInfos.Select(s => s.TermIndexStatus.BlockTreeStats["id"]).ToList();
        ids.Sum(s => s.TotalTermCount).ShouldBe(40 * CrashWriter.BatchSize);
        // About 130 terms a block at 96–192; Lucene's default would give about 35.
        ((double)ids.Sum(s => s.TotalTermCount) / ids.Sum(s => s.TotalBlockCount)).ShouldBeGreaterThan(MentionCodec.MinTermsPerBlock * 0.8);
    }

    /// <summary>
    /// An index written before decision 229 (Lucene.NET's own output and default term blocks, as the build before wrote it)
    /// opens in this build, takes updates and new mentions, merges its old segments with new ones, and passes CheckIndex.
    /// </summary>
    [Fact]
    public async Task AnIndexWrittenWithLucenesOwnCodecAndOutputIsContinuedAndMergedByThisBuild()
    {
        using (var stock = global::Lucene.Net.Store.FSDirectory.Open(IndexPath))
        using (var writer = new global::Lucene.Net.Index.IndexWriter(stock, new global::Lucene.Net.Index.IndexWriterConfig(global::Lucene.Net.Util.LuceneVersion.LUCENE_48, new MentionTextAnalyzer(global::Lucene.Net.Util.LuceneVersion.LUCENE_48))))
        {
            for (var batch = 0; batch < 6; batch++)
            {
                foreach (var mention in CrashWriter.Batch(batch))
                {
                    writer.AddDocument(MentionDocument.Create(mention));
                }

                writer.Commit();
            }
        }

        using (var index = new LuceneMentionIndex(IndexPath))
        {
            (await index.HealthAsync(CancellationToken.None)).DocumentCount.ShouldBe(6 * CrashWriter.BatchSize);
            // Re-deliveries of old mentions replace them; new batches add; enough commits for the writer to merge.
            for (var batch = 3; batch < 16; batch++)
            {
                await index.UpsertAsync(CrashWriter.Batch(batch), CancellationToken.None);
            }

            (await index.GetAsync("b0-1", CancellationToken.None)).ShouldNotBeNull();
            (await index.GetAsync("b15-49", CancellationToken.None)).ShouldNotBeNull();
        }

        using var folderIndex = global::Lucene.Net.Store.FSDirectory.Open(IndexPath);
        var status = new global::Lucene.Net.Index.CheckIndex(folderIndex).DoCheckIndex();
        status.Clean.ShouldBeTrue();
        status.SegmentInfos.Sum(s => s.DocCount - s.NumDeleted).ShouldBe(16 * CrashWriter.BatchSize);
    }

    /// <summary>Every file the latest commit names, its commit point included, is synced (a merge still running may write others).</summary>
    private void ShouldBeSynced(LuceneMentionIndex index)
    {
        using var reading = global::Lucene.Net.Store.FSDirectory.Open(IndexPath);
        var commit = new global::Lucene.Net.Index.SegmentInfos();
        commit.Read(reading);
        var named = commit.GetFiles(reading, includeSegmentsFile: true);
        named.ShouldContain(f => f.EndsWith(".fdt", StringComparison.Ordinal));
        named.ShouldContain(f => f.StartsWith("segments_", StringComparison.Ordinal));
        index.UnsyncedFiles.Intersect(named).ShouldBeEmpty("every file a commit names is synced, and the commit point itself");
    }

    /// <summary>
    /// The checksum an index file ends with is CRC-32 (Java's <c>java.util.zip.CRC32</c>) of every byte before it: written through
    /// the new output in pieces that cross its buffer every way, it must be what Lucene computes reading the file back.
    /// </summary>
    [Fact]
    public void AFileWrittenInPiecesOfEverySizeEndsWithTheChecksumLuceneReadsBack()
    {
        Directory.CreateDirectory(IndexPath);
        using var directory = CommitSyncedDirectories.Open(IndexPath, new HashSet<string>(StringComparer.Ordinal) { "fdt" });
        var random = new Random(229);
        foreach (var name in new[] { "_0.fdt", "_0.tim" })
        {
            var written = new List<byte>();
            using (var output = directory.CreateOutput(name, global::Lucene.Net.Store.IOContext.DEFAULT))
            {
                global::Lucene.Net.Codecs.CodecUtil.WriteHeader(output, "test", 0);
                for (var piece = 0; piece < 400; piece++)
                {
                    var size = random.Next(4) switch { 0 => 1, 1 => random.Next(2, 100), 2 => random.Next(100, 20_000), _ => random.Next(16_000, 70_000) };
                    var bytes = new byte[size];
                    random.NextBytes(bytes);
                    if (size == 1)
                    {
                        output.WriteByte(bytes[0]);
                    }
                    else
                    {
                        output.WriteBytes(bytes, 0, size);
                    }

                    written.AddRange(bytes);
                }

                output.Position.ShouldBe(written.Count + global::Lucene.Net.Codecs.CodecUtil.HeaderLength("test"));
                global::Lucene.Net.Codecs.CodecUtil.WriteFooter(output);
            }

            using var input = directory.OpenInput(name, global::Lucene.Net.Store.IOContext.READ_ONCE);
            input.Length.ShouldBe(written.Count + global::Lucene.Net.Codecs.CodecUtil.HeaderLength("test") + global::Lucene.Net.Codecs.CodecUtil.FooterLength());
            // Throws CorruptIndexException when the footer's checksum is not the CRC-32 of the bytes before it.
            var checksum = global::Lucene.Net.Codecs.CodecUtil.ChecksumEntireFile(input);
            checksum.ShouldBeGreaterThan(0L);
        }
    }

    [Fact]
    public void ASecondWriterOnTheSameFolderIsToldWhichProcessToStop()
    {
        using var first = new LuceneMentionIndex(IndexPath);

        var error = Should.Throw<SentimentWatch.Core.Hosting.StartupFaultException>(() => new LuceneMentionIndex(IndexPath));
        error.Setting.ShouldBe("Index:Directory");
        error.Message.ShouldContain("write.lock");
    }

    [Fact]
    public async Task KillingTheWriterMidBatchLosesNoAcknowledgedMentionAndTheIndexReopens()
    {
        var acked = await RunAndKillAsync(firstBatch: 0, killAfterAcks: 40);
        // A second crash on top of the recovered index, so recovery is not a one-off.
        var ackedAgain = await RunAndKillAsync(firstBatch: acked + 1, killAfterAcks: 15);

        using var index = new LuceneMentionIndex(IndexPath);
        foreach (var batch in new[] { 0, acked / 2, acked, acked + 1, ackedAgain })
        {
            (await index.GetAsync($"b{batch}-{CrashWriter.BatchSize - 1}", CancellationToken.None)).ShouldNotBeNull($"batch {batch} was acknowledged");
        }

        var all = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款" }, Size = 0 }, CancellationToken.None);
        var count = (await index.HealthAsync(CancellationToken.None)).DocumentCount;
        all.Total.ShouldBe(count);
        // Everything acknowledged is there; at most the batch in flight at the kill is too (whole or not at all).
        count.ShouldBeGreaterThanOrEqualTo((ackedAgain + 1L) * CrashWriter.BatchSize);
        count.ShouldBeLessThanOrEqualTo((ackedAgain + 2L) * CrashWriter.BatchSize);
        (count % CrashWriter.BatchSize).ShouldBe(0);

        // And the recovered index takes writes again.
        await index.UpsertAsync(CrashWriter.Batch(ackedAgain + 100), CancellationToken.None);
        (await index.GetAsync($"b{ackedAgain + 100}-0", CancellationToken.None)).ShouldNotBeNull();
    }

    public void Dispose() => folder.Dispose();

    /// <summary>Starts the child writer, waits for some acknowledgements, kills it hard; returns the last acked batch.</summary>
    private async Task<int> RunAndKillAsync(int firstBatch, int killAfterAcks)
    {
        var assembly = typeof(CrashWriter).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", assembly, CrashWriter.Verb, IndexPath, firstBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
        var stderr = child.StandardError.ReadToEndAsync();
        var last = -1;
        var acks = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (acks < killAfterAcks)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException($"the crash writer exited early: {await stderr}");
                }

                if (line.StartsWith("acked ", StringComparison.Ordinal))
                {
                    last = int.Parse(line["acked ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    acks++;
                }
            }
        }
        finally
        {
            // SIGKILL while it is writing the next batch: no shutdown hook, no final commit.
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None);
        }

        // Anything it acknowledged after our last read also counts as acknowledged.
        while (await child.StandardOutput.ReadLineAsync(CancellationToken.None) is { } rest)
        {
            if (rest.StartsWith("acked ", StringComparison.Ordinal))
            {
                last = int.Parse(rest["acked ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return last;
    }
}
