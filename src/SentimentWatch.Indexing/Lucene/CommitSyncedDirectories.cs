using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Index files written the way Lucene (Java) writes them, which Lucene.NET 4.8.0-beta00017 does not (decision 229):
/// <list type="bullet">
/// <item>a file is written to the operating system and made durable only when a commit names it (<see cref="LuceneDirectory.Sync"/>),
/// not on every close: Lucene.NET's <c>FSIndexOutput</c> forces each file to disk as it closes and its <c>Sync</c> does
/// nothing, so every near-real-time refresh (a dozen files a segment) and every merge waited on the disk, though most of those
/// segments are merged away before any commit names them;</item>
/// <item>the running checksum every index file ends with is CRC-32 computed by <see cref="Crc32"/> (vectorised) instead of
/// Lucene.NET's byte-at-a-time table (3.5 % of the service's CPU at a million mentions, docs/throughput.md round 18).</item>
/// </list>
/// A commit still makes every file it names durable before the commit point (<c>segments_N</c>) is written, and the commit
/// point itself after, as <see cref="global::Lucene.Net.Index.IndexWriter"/> calls <see cref="LuceneDirectory.Sync"/> for both;
/// then the folder itself is synced, so the new names survive a power cut too. Between commits the ledger is the source of truth
/// (a restart re-indexes what the last commit does not hold), as before.
/// </summary>
internal static class CommitSyncedDirectories
{
    /// <summary>The stored fields read with file reads, everything else mapped (decision 223), both written as above.</summary>
    public static LuceneDirectory Open(string path, ISet<string> fileReadExtensions)
    {
        var folder = new DirectoryInfo(path);
        // One record for the folder: a sync names files of both parts, and the folder is synced once for them.
        var stale = new StaleFiles(folder);
        return new FileSwitchDirectory(fileReadExtensions, new NioFs(folder, stale), new Mapped(folder, stale), doClose: true);
    }

    /// <summary>Files written and closed that no sync has made durable yet (tests).</summary>
    public static IReadOnlyCollection<string> Unsynced(LuceneDirectory directory) => directory switch
    {
        // Both parts keep the folder's one record.
        FileSwitchDirectory both => Unsynced(both.PrimaryDir),
        Mapped mapped => mapped.Stale.Names,
        NioFs nio => nio.Stale.Names,
        _ => [],
    };

    /// <summary>Files written and closed since the last sync that named them, per folder.</summary>
    private sealed class StaleFiles(DirectoryInfo folder)
    {
        private readonly ConcurrentDictionary<string, byte> names = new(StringComparer.Ordinal);

        public DirectoryInfo Folder { get; } = folder;

        public void Written(string name) => names[name] = 0;

        public void Deleted(string name) => names.TryRemove(name, out _);

        public IndexOutput Create(string name) => new SyncOnCommitOutput(System.IO.Path.Combine(Folder.FullName, name), name, this);

        public void Sync(ICollection<string> requested)
        {
            var synced = new List<string>();
            foreach (var name in requested)
            {
                if (!names.ContainsKey(name))
                {
                    continue;
                }

                using (var handle = File.OpenHandle(System.IO.Path.Combine(Folder.FullName, name), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
                {
                    RandomAccess.FlushToDisk(handle);
                }

                synced.Add(name);
            }

            if (synced.Count == 0)
            {
                return;
            }

            // The folder before the names leave the record: a failure on the way leaves them to the next sync.
            FolderSync.Sync(Folder.FullName);
            foreach (var name in synced)
            {
                names.TryRemove(name, out _);
            }
        }

        public IReadOnlyCollection<string> Names => [.. names.Keys];
    }

    /// <summary>The mapped directory (terms, postings, doc values, norms): <see cref="FSDirectory.Open(string)"/>'s choice here.</summary>
    private sealed class Mapped(DirectoryInfo folder, StaleFiles stale) : MMapDirectory(folder)
    {
        internal StaleFiles Stale => stale;

        public override IndexOutput CreateOutput(string name, IOContext context)
        {
            EnsureOpen();
            EnsureCanWrite(name);
            return stale.Create(name);
        }

        public override void Sync(ICollection<string> names)
        {
            EnsureOpen();
            stale.Sync(names);
        }

        public override void DeleteFile(string name)
        {
            base.DeleteFile(name);
            stale.Deleted(name);
        }
    }

    /// <summary>The stored fields, read with ordinary file reads (decision 223).</summary>
    private sealed class NioFs(DirectoryInfo folder, StaleFiles stale) : NIOFSDirectory(folder)
    {
        internal StaleFiles Stale => stale;

        public override IndexOutput CreateOutput(string name, IOContext context)
        {
            EnsureOpen();
            EnsureCanWrite(name);
            return stale.Create(name);
        }

        public override void Sync(ICollection<string> names)
        {
            EnsureOpen();
            stale.Sync(names);
        }

        public override void DeleteFile(string name)
        {
            base.DeleteFile(name);
            stale.Deleted(name);
        }
    }

    /// <summary>
    /// An index file being written: buffered, checksummed with <see cref="Crc32"/>, handed to the operating system on close and
    /// recorded as not yet durable.
    /// </summary>
    private sealed class SyncOnCommitOutput : IndexOutput
    {
        private const int BufferSize = 16 * 1024;

        private readonly FileStream file;
        private readonly string name;
        private readonly StaleFiles stale;
        private readonly Crc32 crc = new();
        private readonly byte[] buffer = new byte[BufferSize];
        private int buffered;
        private long flushed;
        private bool open = true;

        public SyncOnCommitOutput(string path, string name, StaleFiles stale)
        {
            this.name = name;
            this.stale = stale;
            // Unbuffered: this class buffers, so each byte is copied once. Lucene writes a file once (the directory deleted any
            // older one of the name first).
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }

        public override void WriteByte(byte b)
        {
            EnsureOpen();
            if (buffered == BufferSize)
            {
                FlushBuffer();
            }

            buffer[buffered++] = b;
        }

        public override void WriteBytes(byte[] b, int offset, int length)
        {
            EnsureOpen();
            if (length <= BufferSize - buffered)
            {
                Buffer.BlockCopy(b, offset, buffer, buffered, length);
                buffered += length;
                return;
            }

            FlushBuffer();
            if (length < BufferSize)
            {
                Buffer.BlockCopy(b, offset, buffer, 0, length);
                buffered = length;
                return;
            }

            var span = new ReadOnlySpan<byte>(b, offset, length);
            crc.Append(span);
            file.Write(span);
            flushed += length;
        }

        public override void Flush()
        {
            EnsureOpen();
            FlushBuffer();
            file.Flush(flushToDisk: false);
        }

        public override long Position => flushed + buffered;

        /// <summary>The CRC-32 of every byte written so far (the buffered ones are handed to the file first).</summary>
        public override long Checksum
        {
            get
            {
                FlushBuffer();
                return crc.GetCurrentHashAsUInt32();
            }
        }

        public override long Length => Position;

        [Obsolete("(4.1) this method will be removed in Lucene 5.0")]
        public override void Seek(long pos) => throw new NotSupportedException($"{name}: index files are written front to back");

        protected override void Dispose(bool disposing)
        {
            if (!disposing || !open)
            {
                return;
            }

            try
            {
                FlushBuffer();
            }
            finally
            {
                open = false;
                file.Dispose();
                stale.Written(name);
            }
        }

        private void FlushBuffer()
        {
            EnsureOpen();
            if (buffered == 0)
            {
                return;
            }

            var span = buffer.AsSpan(0, buffered);
            crc.Append(span);
            file.Write(span);
            flushed += buffered;
            buffered = 0;
        }

        private void EnsureOpen()
        {
            if (!open)
            {
                throw new ObjectDisposedException(name, "the index output is closed");
            }
        }
    }

    /// <summary>
    /// fsync(2) of a folder, so names created in it survive a power cut. As Lucene (Java) does, a folder the file system will not
    /// open or sync this way (some FUSE, 9p and CIFS mounts) is left as it is; an I/O error is not. No-op off Linux.
    /// </summary>
    private static class FolderSync
    {
        private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same on x64 and arm64
        private const int IoError = 5; // EIO

        public static void Sync(string folder)
        {
            if (!OperatingSystem.IsLinux())
            {
                return;
            }

            var fd = Open(folder, ReadOnlyCloseOnExec);
            if (fd < 0)
            {
                ThrowOnIoError(folder, "open", Marshal.GetLastWin32Error());
                return;
            }

            try
            {
                if (Fsync(fd) != 0)
                {
                    ThrowOnIoError(folder, "sync", Marshal.GetLastWin32Error());
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }

        private static void ThrowOnIoError(string folder, string what, int errno)
        {
            if (errno == IoError)
            {
                throw new IOException($"Could not {what} the index folder {folder}: I/O error (EIO)");
            }
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        private static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        private static extern int Close(int fd);
    }
}
