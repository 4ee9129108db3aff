using System.Formats.Tar;
using System.IO.Compression;

namespace Vmspec.Images;

/// <summary>What a layer's tar says about one path: every header field that can make two builds differ.</summary>
internal sealed record LayerFileSummary(
    string Path,
    TarEntryType Type,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    string Owner,
    long ModificationTime,
    long Size,
    string LinkName,
    Digest? Content)
{
    /// <summary>Names the first field that differs from <paramref name="other"/>, or null when none does.</summary>
    public string? FirstDifference(LayerFileSummary other) =>
        Type != other.Type ? $"type {Type} vs {other.Type}"
        : Mode != other.Mode ? $"mode {Octal(Mode)} vs {Octal(other.Mode)}"
        : Uid != other.Uid || Gid != other.Gid ? $"owner {Uid}:{Gid} vs {other.Uid}:{other.Gid}"
        : Owner != other.Owner ? $"owner name '{Owner}' vs '{other.Owner}'"
        : ModificationTime != other.ModificationTime ? $"mtime {ModificationTime} vs {other.ModificationTime}"
        : Size != other.Size ? $"size {Size} vs {other.Size}"
        : LinkName != other.LinkName ? $"link target '{LinkName}' vs '{other.LinkName}'"
        : Content != other.Content ? $"content {Content} vs {other.Content}"
        : null;

    /// <summary>Reads every entry of a gzip layer blob, in path order.</summary>
    public static List<LayerFileSummary> ReadLayer(Stream gzipBlob)
    {
        using var gzip = new GZipStream(gzipBlob, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new TarReader(gzip);
        var files = new List<LayerFileSummary>();
        while (reader.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is { } data ? Digest.Of(data) : (Digest?)null;
            files.Add(new LayerFileSummary(
                entry.Name.TrimEnd('/'),
                entry.EntryType,
                entry.Mode,
                entry.Uid,
                entry.Gid,
                entry is PosixTarEntry posix ? $"{posix.UserName}:{posix.GroupName}" : string.Empty,
                entry.ModificationTime.ToUnixTimeSeconds(),
                entry.Length,
                entry.LinkName ?? string.Empty,
                content));
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
