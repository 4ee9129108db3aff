using System.Formats.Tar;
using System.IO.Compression;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Vmspec.Images;

/// <summary>
/// A base layer made of pinned Debian packages: each .deb is fetched into a cache with apt-get
/// download, checked against the lock's sha256, and its data.tar.* unpacked into layer entries
/// (documentation trees left out). Maintainer scripts are not run: the layer holds files only.
/// </summary>
public static class DebianPackageLayer
{
    /// <summary>Trees that only serve humans; left out to keep the base small.</summary>
    public static readonly IReadOnlyList<string> DefaultExcludedPrefixes =
        ["usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/lintian/", "usr/share/locale/"];

    /// <summary>Bump when the extraction rules change, so layers cached by <see cref="InputKey"/> are rebuilt.</summary>
    private const int ExtractionVersion = 1;

    /// <summary>Everything the layer's entries depend on: the rules' version, each package's sha256 and the exclusions.</summary>
    public static string InputKey(DebianLockFile lockFile, IReadOnlyList<string>? excludedPrefixes = null) =>
        $"debian-layer v{ExtractionVersion}\n"
        + string.Concat(lockFile.Packages.Select(static p => $"{p.Filename} {p.Sha256}\n"))
        + "exclude " + string.Join(' ', excludedPrefixes ?? DefaultExcludedPrefixes);

    public static IReadOnlyList<LayerEntry> Build(DebianLockFile lockFile, string cacheDirectory, AptClient apt, IReadOnlyList<string>? excludedPrefixes = null)
    {
        Directory.CreateDirectory(cacheDirectory);
        var entries = new List<LayerEntry>();
        foreach (var package in lockFile.Packages)
        {
            var deb = Fetch(package, cacheDirectory, apt);
            using var stream = File.OpenRead(deb);
            entries.AddRange(Extract(stream, package.ToString(), excludedPrefixes ?? DefaultExcludedPrefixes));
        }

        return entries;
    }

    /// <summary>Returns the cached .deb, downloading it when absent; a file whose sha256 is not the lock's is refused.</summary>
    public static string Fetch(DebianPackage package, string cacheDirectory, AptClient apt)
    {
        var cached = Path.Combine(cacheDirectory, package.Filename);
        if (File.Exists(cached) && Digest.OfFile(cached).Hex == package.Sha256)
        {
            return cached;
        }

        var downloads = Directory.CreateTempSubdirectory("vmspec-apt-").FullName;
        try
        {
            var downloaded = apt.Download(package, downloads);
            var actual = Digest.OfFile(downloaded).Hex;
            if (actual != package.Sha256)
            {
                throw new ImageBuildException($"{package}: downloaded {package.Filename} has sha256 {actual}, but the lock file pins {package.Sha256}");
            }

            File.Move(downloaded, cached, overwrite: true);
            return cached;
        }
        finally
        {
            Directory.Delete(downloads, recursive: true);
        }
    }

    /// <summary>Layer entries of a .deb's data.tar.{xz,zst,gz} (or plain data.tar).</summary>
    public static IReadOnlyList<LayerEntry> Extract(Stream deb, string source, IReadOnlyList<string> excludedPrefixes)
    {
        List<LayerEntry>? entries = null;
        ArArchive.ForEachMember(deb, source, (name, member) =>
        {
            if (!name.StartsWith("data.tar", StringComparison.Ordinal))
            {
                return false;
            }

            using var tar = Decompress(name, member, source);
            entries = ReadTar(tar, source, excludedPrefixes);
            return true;
        });
        return entries ?? throw new ImageBuildException($"{source}: the .deb has no data.tar member");
    }

    private static Stream Decompress(string member, Stream content, string source) => Path.GetExtension(member) switch
    {
        ".xz" => new XZStream(content),
        ".zst" => new DecompressionStream(content),
        ".gz" => new GZipStream(content, CompressionMode.Decompress),
        ".tar" => content,
        _ => throw new ImageBuildException($"{source}: unsupported data member '{member}'"),
    };

    private static List<LayerEntry> ReadTar(Stream tar, string source, IReadOnlyList<string> excludedPrefixes)
    {
        var entries = new List<LayerEntry>();
        var contents = new Dictionary<string, (byte[] Bytes, bool Executable)>(StringComparer.Ordinal);
        try
        {
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                var path = entry.Name.TrimStart('.').Trim('/');
                if (path.Length == 0 || excludedPrefixes.Any(p => (path + "/").StartsWith(p, StringComparison.Ordinal)))
                {
                    continue;
                }

                var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        entries.Add(LayerEntry.Directory(path));
                        break;
                    case TarEntryType.SymbolicLink:
                        entries.Add(LayerEntry.Symlink(path, entry.LinkName));
                        break;
                    case TarEntryType.HardLink:
                        // Stored as a copy: layers keep no inode identity, and the target may be excluded.
                        var target = entry.LinkName.TrimStart('.').Trim('/');
                        var (bytes, targetExecutable) = contents.TryGetValue(target, out var found)
                            ? found
                            : throw new ImageBuildException($"{source}: hard link '{path}' points to '{target}', which comes later or not at all");
                        entries.Add(LayerEntry.File(path, bytes, targetExecutable));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        using (var buffer = new MemoryStream())
                        {
                            entry.DataStream?.CopyTo(buffer);
                            contents[path] = (buffer.ToArray(), executable);
                            entries.Add(LayerEntry.File(path, contents[path].Bytes, executable));
                        }

                        break;
                    default:
                        throw new ImageBuildException($"{source}: '{path}' is a {entry.EntryType} entry, which a layer cannot hold");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or SharpCompress.Common.ArchiveException or ZstdException)
        {
            throw new ImageBuildException($"{source}: corrupt data.tar: {e.Message}", e);
        }

        return entries;
    }
}
