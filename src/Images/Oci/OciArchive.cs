using System.Formats.Tar;
using System.Security.Cryptography;

namespace Vmspec.Images;

/// <summary>A blob found in an archive: the digest its name claims and the digest of its bytes.</summary>
internal sealed record ArchiveBlob(Digest Claimed, Digest Actual, long Size, byte[]? Content);

/// <summary>
/// One pass over an image archive: hashes every blob, keeps small blobs (manifests, configs) and
/// the top-level documents in memory, and refuses entries an image of ours never holds.
/// </summary>
internal sealed class OciArchive
{
    /// <summary>Blobs at most this big are kept in memory: manifests and configs are far smaller.</summary>
    private const int SmallBlobLimit = 1 << 20;

    private static readonly HashSet<string> DocumentNames = new(StringComparer.Ordinal)
    {
        OciMediaTypes.LayoutFile, OciMediaTypes.IndexFile, OciMediaTypes.DockerManifestFile,
    };

    private OciArchive(string path, Dictionary<Digest, ArchiveBlob> blobs, Dictionary<string, byte[]> documents)
    {
        Path = path;
        Blobs = blobs;
        Documents = documents;
    }

    public string Path { get; }

    public IReadOnlyDictionary<Digest, ArchiveBlob> Blobs { get; }

    public IReadOnlyDictionary<string, byte[]> Documents { get; }

    public static OciArchive Scan(string path)
    {
        var blobs = new Dictionary<Digest, ArchiveBlob>();
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        ForEachEntry(path, (name, entry) =>
        {
            if (entry.EntryType == TarEntryType.Directory && name is "blobs/" or "blobs/sha256/")
            {
                return;
            }

            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new ImageVerificationException($"{path}: unexpected {entry.EntryType} entry '{name}'");
            }

            if (DocumentNames.Contains(name))
            {
                documents[name] = ReadAll(entry.DataStream, SmallBlobLimit, path, name);
            }
            else if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.TryParseHex(name["blobs/sha256/".Length..], out var claimed))
            {
                blobs[claimed] = HashBlob(claimed, entry);
            }
            else
            {
                throw new ImageVerificationException($"{path}: unexpected entry '{name}' (not an OCI blob or layout document)");
            }
        });
        return new OciArchive(path, blobs, documents);
    }

    /// <summary>Streams the named blobs' contents (in archive order) to <paramref name="visit"/>.</summary>
    public void VisitBlobs(IReadOnlySet<Digest> wanted, Action<Digest, Stream> visit) =>
        ForEachEntry(Path, (name, entry) =>
        {
            if (entry.DataStream is { } data && name.StartsWith("blobs/sha256/", StringComparison.Ordinal)
                && Digest.TryParseHex(name["blobs/sha256/".Length..], out var digest) && wanted.Contains(digest))
            {
                visit(digest, data);
            }
        });

    private static ArchiveBlob HashBlob(Digest claimed, TarEntry entry)
    {
        var data = entry.DataStream ?? Stream.Null;
        if (entry.Length <= SmallBlobLimit)
        {
            var content = ReadAll(data, SmallBlobLimit, string.Empty, claimed.BlobPath);
            return new ArchiveBlob(claimed, Digest.Of(content), content.Length, content);
        }

        return new ArchiveBlob(claimed, Digest.FromHash(SHA256.HashData(data)), entry.Length, null);
    }

    private static byte[] ReadAll(Stream? data, int limit, string path, string name)
    {
        if (data is null)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        data.CopyTo(buffer);
        return buffer.Length <= limit
            ? buffer.ToArray()
            : throw new ImageVerificationException($"{path}: '{name}' is larger than {limit} bytes");
    }

    private static void ForEachEntry(string path, Action<string, TarEntry> visit)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new TarReader(file);
            while (reader.GetNextEntry() is { } entry)
            {
                visit(entry.Name, entry);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ImageVerificationException($"{path}: not a readable tar archive: {e.Message}", e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new ImageVerificationException($"{path}: cannot open: {e.Message}", e);
        }
    }
}
