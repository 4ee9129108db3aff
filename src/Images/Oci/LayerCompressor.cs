using System.IO.Compression;

namespace Vmspec.Images;

/// <summary>Turns layer entries into the uncompressed tar digest (diff_id) and the gzip blob.</summary>
internal static class LayerCompressor
{
    /// <summary>zlib level 6: the usual size/speed balance; part of the cache key, so changing it re-keys the cache.</summary>
    public const CompressionLevel Level = CompressionLevel.Optimal;

    /// <summary>Serializes the tar only to hash it: cheap next to compression, so it can key the cache.</summary>
    public static Digest DiffId(IReadOnlyList<LayerEntry> entries, long sourceDateEpoch)
    {
        using var hashing = new HashingStream(Stream.Null);
        DeterministicTarWriter.Write(hashing, entries, sourceDateEpoch);
        return hashing.GetDigest();
    }

    /// <summary>Writes tar -> gzip to <paramref name="output"/>, returning (blob digest, blob size, diff_id).</summary>
    public static (Digest Digest, long Size, Digest DiffId) Compress(IReadOnlyList<LayerEntry> entries, long sourceDateEpoch, Stream output)
    {
        using var compressed = new HashingStream(output);
        Digest diffId;
        using (var gzip = new DeterministicGzipStream(compressed, Level, leaveOpen: true))
        using (var tar = new HashingStream(new BufferedStream(gzip, 1 << 16), leaveOpen: false))
        {
            DeterministicTarWriter.Write(tar, entries, sourceDateEpoch);
            tar.Flush();
            diffId = tar.GetDigest();
        }

        return (compressed.GetDigest(), compressed.BytesWritten, diffId);
    }

    /// <summary>sha256 of the decompressed content of a gzip blob.</summary>
    public static Digest DecompressedDigest(Stream gzipBlob)
    {
        using var gzip = new GZipStream(gzipBlob, CompressionMode.Decompress, leaveOpen: true);
        return Digest.Of(gzip);
    }
}
