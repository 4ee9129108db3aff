namespace Vmspec.Images;

/// <summary>
/// Gzip layer blobs keyed by the layer's diff_id (the digest of its deterministic tar, i.e. of
/// its inputs): a warm build hashes the tar again but skips compression. A cached blob is
/// re-checked against its key before use, so a damaged cache entry is rebuilt, not shipped.
/// </summary>
public sealed class LayerCache
{
    private const string FormatTag = "v1-gzip-optimal";

    public LayerCache(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public LayerBlob GetOrAdd(IReadOnlyList<LayerEntry> entries, long sourceDateEpoch)
    {
        var diffId = LayerCompressor.DiffId(entries, sourceDateEpoch);
        var file = Path.Combine(Directory, $"{diffId.Hex}.{FormatTag}.tar.gz");
        if (TryUse(file, diffId) is { } cached)
        {
            return cached;
        }

        (Digest Digest, long Size, Digest DiffId) written = default;
        AtomicFile.Write(file, stream => written = LayerCompressor.Compress(entries, sourceDateEpoch, stream));
        if (written.DiffId != diffId)
        {
            File.Delete(file);
            throw new ImageBuildException("a layer's source files changed while the layer was being built; build again");
        }

        return new LayerBlob(written.Digest, written.Size, diffId, file, FromCache: false);
    }

    private static LayerBlob? TryUse(string file, Digest diffId)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        using (var stream = File.OpenRead(file))
        {
            try
            {
                if (LayerCompressor.DecompressedDigest(stream) == diffId)
                {
                    stream.Position = 0;
                    return new LayerBlob(Digest.Of(stream), stream.Length, diffId, file, FromCache: true);
                }
            }
            catch (InvalidDataException)
            {
                // Not valid gzip any more: fall through and rebuild it.
            }
        }

        File.Delete(file);
        return null;
    }
}
