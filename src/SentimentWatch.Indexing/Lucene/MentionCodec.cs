using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Lucene41;
using Lucene.Net.Codecs.Lucene46;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Lucene 4.6's codec with larger term blocks (decision 229). Every flush and merge builds a small FST for each block of terms
/// it writes, and Lucene.NET gives each of those builders a fresh 32 KiB page: at the default 25–48 terms a block that page
/// and the FST's nodes were ~45 % of the service's allocations at a million mentions (the id field alone has one term a
/// mention). <see cref="MinTermsPerBlock"/>–<see cref="MaxTermsPerBlock"/> terms a block means about four times fewer. A seek
/// scans a longer block (a few microseconds more per term looked up); the terms index in memory is smaller.
/// The block sizes are the writer's choice only: the files are Lucene 4.1 postings in the Lucene 4.6 codec, named as such, and
/// any Lucene 4.8 reader (this service's older builds included) reads them, as this codec reads the older files.
/// </summary>
[CodecName("Lucene46")]
internal sealed class MentionCodec : Lucene46Codec
{
    public const int MinTermsPerBlock = 96;
    public const int MaxTermsPerBlock = 192;

    private static readonly PostingsFormat Postings = new Lucene41PostingsFormat(MinTermsPerBlock, MaxTermsPerBlock);

    public override PostingsFormat GetPostingsFormatForField(string field) => Postings;
}
