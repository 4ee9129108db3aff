using Vmspec.Shared.Io;

namespace Vmspec.Images;

/// <summary>
/// Gzip layer blobs keyed by the layer's diff_id (the digest of its deterministic tar, i.e. of
/// its inputs): a warm build hashes the tar again but skips compression. A cached blob is
/// re-checked against its key before use, so a damaged cache entry is rebuilt, not shipped.
/// </summary>
public sealed class LayerCache
{
    private const string FormatTag = "v1-gzip-optimal";

    /// <summary>Cache files this instance used (found or wrote); <see cref="PruneUnused"/> keeps only these.</summary>
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public LayerCache(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Deletes every cache file this instance did not use, e.g. blobs of an earlier commit's epoch; returns how many.</summary>
    public int PruneUnused()
    {
        var pruned = 0;
        foreach (var file in System.IO.Directory.GetFiles(Directory).Where(f => !_used.Contains(f)))
        {
            File.Delete(file);
            pruned++;
        }

        return pruned;
    }

    /// <summary>
    /// Like <see cref="GetOrAdd(IReadOnlyList{LayerEntry}, long)"/>, but a layer with an input key is
    /// first looked up by that key (a small file naming its diff_id), so its entries are never produced
    /// on a warm build. The blob found is still checked against the diff_id.
    /// </summary>
    public LayerBlob GetOrAdd(ImageLayer layer, long sourceDateEpoch)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InputKey is null)
        {
            return GetOrAdd(layer.Entries, sourceDateEpoch);
        }

        var keyFile = Path.Combine(Directory, $"{Digest.Of(System.Text.Encoding.UTF8.GetBytes($"{FormatTag}\n{sourceDateEpoch}\n{layer.InputKey}")).Hex}.key");
        _used.Add(keyFile);
        if (File.Exists(keyFile) && Digest.TryParse(File.ReadAllText(keyFile).Trim(), out var known)
            && TryUse(BlobFile(known), known) is { } cached)
        {
            _used.Add(cached.File);
            return cached;
        }

        var blob = GetOrAdd(layer.Entries, sourceDateEpoch);
        AtomicFile.Write(keyFile, stream => stream.Write(System.Text.Encoding.ASCII.GetBytes(blob.DiffId.ToString())));
        return blob;
    }

    public LayerBlob GetOrAdd(IReadOnlyList<LayerEntry> entries, long sourceDateEpoch)
    {
        var diffId = LayerCompressor.DiffId(entries, sourceDateEpoch);
        var file = BlobFile(diffId);
        _used.Add(file);
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

    private string BlobFile(Digest diffId) => Path.Combine(Directory, $"{diffId.Hex}.{FormatTag}.tar.gz");

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
