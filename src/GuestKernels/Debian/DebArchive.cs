using System.Formats.Tar;
using System.Text;
using Vmspec.GuestKernels.Compression;

namespace Vmspec.GuestKernels.Debian;

/// <summary>A file taken out of a package.</summary>
public sealed record DebMember(string Name, byte[] Contents);

/// <summary>
/// Reads a .deb without dpkg: an ar archive whose data.tar.{xz,zst,gz} member holds the files.
/// What linux-image packages need: their ./boot/vmlinuz-* and, for the lab, their modules.
/// </summary>
public static class DebArchive
{
    /// <summary>vmlinuz files are ~10-15 MiB; a larger tar entry is refused rather than buffered.</summary>
    public const long MaxMemberSize = 256L << 20;
    private const int ArHeaderSize = 60;
    private static ReadOnlySpan<byte> ArMagic => "!<arch>\n"u8;

    public static bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith(ArMagic);

    /// <summary>The first regular file ./boot/vmlinuz-* of the package.</summary>
    public static DebMember ReadVmlinuz(byte[] deb, string source)
    {
        DebMember? found = null;
        ForEachFile(deb, source, IsVmlinuz, (name, length, data) =>
        {
            if (length > MaxMemberSize)
                throw new KernelImageException($"{source}: {name} is {length} bytes, more than the {MaxMemberSize}-byte limit");
            byte[] contents = new byte[length];
            data.ReadExactly(contents);
            found = new DebMember(name, contents);
            return false;
        });
        return found ?? throw new KernelImageException($"{source}: no ./boot/vmlinuz-* file in the package");
    }

    /// <summary>
    /// Streams the package's regular files whose path (without the leading "./") <paramref name="wanted"/> accepts to
    /// <paramref name="visit"/> (path, length, data), in archive order, until it returns false.
    /// </summary>
    public static void ForEachFile(byte[] deb, string source, Func<string, bool> wanted, Func<string, long, Stream, bool> visit)
    {
        var (name, start, length) = FindDataTar(deb, source);
        string where = $"{source}:{name}";
        var kind = name == "data.tar" ? CompressionKind.None : CompressionMagic.Detect(deb.AsSpan(start, length));
        if (kind is null or CompressionKind.Bzip2 or CompressionKind.Lzma or CompressionKind.Lzo or CompressionKind.Lz4)
            throw new KernelImageException($"{where}: unsupported compression {kind?.Name() ?? "(unrecognised magic)"} (supported: xz, zstd, gzip, none)");
        try
        {
            using var compressed = new MemoryStream(deb, start, length, writable: false);
            using var tar = kind == CompressionKind.None ? compressed : PayloadDecompressor.OpenDecoder(kind.Value, compressed);
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    continue;
                string path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (wanted(path) && !visit(path, entry.Length, entry.DataStream ?? Stream.Null))
                    return;
            }
        }
        catch (Exception e) when (e is not KernelImageException and not OutOfMemoryException)
        {
            throw new KernelImageException($"{where}: corrupt {kind.Value.Name()} tar data: {e.Message}", e);
        }
    }

    private static bool IsVmlinuz(string path) => path.StartsWith("boot/vmlinuz-", StringComparison.Ordinal);

    /// <summary>Walks the ar members: 60-byte headers (name 16, mtime 12, uid 6, gid 6, mode 8, size 10, "`\n"), data padded to even offsets.</summary>
    private static (string Name, int Start, int Length) FindDataTar(byte[] deb, string source)
    {
        if (!HasMagic(deb))
            throw new KernelImageException($"{source}: not a .deb (no \"!<arch>\" ar header)");
        long pos = ArMagic.Length;
        while (pos < deb.Length)
        {
            if (deb.Length - pos < ArHeaderSize)
                throw new KernelImageException($"{source}: ar member header at offset {pos} is truncated");
            var header = deb.AsSpan((int)pos, ArHeaderSize);
            if (header[58] != (byte)'`' || header[59] != (byte)'\n')
                throw new KernelImageException($"{source}: ar member header at offset {pos} lacks its \"`\\n\" terminator");
            string name = Encoding.ASCII.GetString(header[..16]).TrimEnd(' ').TrimEnd('/');
            if (!long.TryParse(Encoding.ASCII.GetString(header[48..58]).TrimEnd(' '), out long size) || size < 0)
                throw new KernelImageException($"{source}: ar member {name} at offset {pos} has an invalid size field");
            long start = pos + ArHeaderSize;
            if (size > deb.Length - start)
                throw new KernelImageException($"{source}: ar member {name} at offset {pos} declares {size} bytes, only {deb.Length - start} remain");
            if (name.StartsWith("data.tar", StringComparison.Ordinal))
                return (name, (int)start, (int)size);
            pos = start + size + (size & 1);
        }
        throw new KernelImageException($"{source}: no data.tar member in the package");
    }
}
