using System.Formats.Tar;
using Vmspec.Shared.Debian;
using Vmspec.Shared.Io;

namespace Vmspec.Images;

/// <summary>
/// A base layer made of pinned Debian packages: each .deb is fetched into a cache with apt-get
/// download, checked against the lock's sha256, and its data.tar.* unpacked into layer entries
/// (documentation trees left out), or only the files an image keeps and what they need (<see cref="KeptFiles"/>).
/// Maintainer scripts are not run: the layer holds files only.
/// </summary>
public static class DebianPackageLayer
{
    /// <summary>Trees that only serve humans; left out to keep the base small.</summary>
    public static readonly IReadOnlyList<string> DefaultExcludedPrefixes =
        ["usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/lintian/", "usr/share/locale/"];

    /// <summary>Bump when the extraction rules change, so layers cached by <see cref="InputKey"/> are rebuilt.</summary>
    private const int ExtractionVersion = 2;

    /// <summary>Everything the layer's entries depend on: the rules' version, each package's sha256, the exclusions and what is kept.</summary>
    public static string InputKey(DebianLockFile lockFile, IReadOnlyList<string>? keep = null, IReadOnlyList<string>? excludedPrefixes = null) =>
        $"debian-layer v{ExtractionVersion}\n"
        + string.Concat(lockFile.Packages.Select(static p => $"{p.Filename} {p.Sha256}\n"))
        + "exclude " + string.Join(' ', excludedPrefixes ?? DefaultExcludedPrefixes)
        + (keep is { Count: > 0 } ? "\nkeep " + string.Join(' ', keep) : "");

    /// <param name="keep">image.base.keep: only these files and what they need (null or empty: every file)</param>
    public static IReadOnlyList<LayerEntry> Build(DebianLockFile lockFile, DebCache debs, IReadOnlyList<string>? keep = null, IReadOnlyList<string>? excludedPrefixes = null)
    {
        var entries = new List<LayerEntry>();
        foreach (var package in lockFile.Packages)
        {
            // The layer's build runs synchronously inside the OCI writer; nothing here has a synchronization context.
            var deb = Guard(() => debs.FetchAsync(package.Pin, DownloadProgress.ToStandardError).GetAwaiter().GetResult());
            using var stream = File.OpenRead(deb);
            entries.AddRange(Extract(stream, package.ToString(), excludedPrefixes ?? DefaultExcludedPrefixes));
        }

        return keep is { Count: > 0 } ? KeptFiles.Select(entries, keep) : entries;
    }

    /// <summary>Layer entries of a .deb's data.tar.{xz,zst,gz} (or plain data.tar).</summary>
    public static IReadOnlyList<LayerEntry> Extract(Stream deb, string source, IReadOnlyList<string> excludedPrefixes)
    {
        var reader = new EntryReader(source, excludedPrefixes);
        Guard(() => DebArchive.ForEachEntry(deb, source, reader.Add));
        return reader.Entries;
    }

    /// <summary>Runs <paramref name="action"/>, reporting a bad package, lock file or download as an image build error
    /// (a <see cref="PackageNotServedException"/> stays its inner exception).</summary>
    internal static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DebianPackageException e)
        {
            throw new ImageBuildException(e.Message, e);
        }
    }

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    /// <summary>Turns data.tar entries into layer entries: documentation left out, hard links stored as copies.</summary>
    private sealed class EntryReader(string source, IReadOnlyList<string> excludedPrefixes)
    {
        private readonly Dictionary<string, (byte[] Bytes, bool Executable)> _contents = new(StringComparer.Ordinal);

        public List<LayerEntry> Entries { get; } = [];

        public bool Add(TarEntry entry)
        {
            var path = entry.Name.TrimStart('.').Trim('/');
            if (path.Length == 0 || excludedPrefixes.Any(p => (path + "/").StartsWith(p, StringComparison.Ordinal)))
            {
                return true;
            }

            var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Entries.Add(LayerEntry.Directory(path));
                    break;
                case TarEntryType.SymbolicLink:
                    Entries.Add(LayerEntry.Symlink(path, entry.LinkName));
                    break;
                case TarEntryType.HardLink:
                    // Stored as a copy: layers keep no inode identity, and the target may be excluded.
                    var target = entry.LinkName.TrimStart('.').Trim('/');
                    var (bytes, targetExecutable) = _contents.TryGetValue(target, out var found)
                        ? found
                        : throw new ImageBuildException($"{source}: hard link '{path}' points to '{target}', which comes later or not at all");
                    Entries.Add(LayerEntry.File(path, bytes, targetExecutable));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    using (var buffer = new MemoryStream())
                    {
                        entry.DataStream?.CopyTo(buffer);
                        _contents[path] = (buffer.ToArray(), executable);
                        Entries.Add(LayerEntry.File(path, _contents[path].Bytes, executable));
                    }

                    break;
                default:
                    throw new ImageBuildException($"{source}: '{path}' is a {entry.EntryType} entry, which a layer cannot hold");
            }

            return true;
        }
    }
}
