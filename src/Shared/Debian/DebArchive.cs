using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Vmspec.Shared.Compression;
using ZstdSharp;

namespace Vmspec.Shared.Debian;

/// <summary>
/// Reads a .deb without dpkg: an ar archive (60-byte member headers: name 16, mtime 12, uid 6, gid 6, mode 8,
/// size 10, "`\n"; data padded to even offsets) whose data.tar{,.xz,.zst,.gz} member holds the files.
/// The archive is read forward once, so a package of any size streams through.
/// </summary>
public static class DebArchive
{
    private const int HeaderLength = 60;
    private static ReadOnlySpan<byte> Magic => "!<arch>\n"u8;

    public static bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith(Magic);

    /// <summary>
    /// Calls <paramref name="visit"/> with each entry of the package's data.tar, in archive order, until it returns
    /// false. Errors name <paramref name="source"/> and, for the tar data, the member.
    /// </summary>
    public static void ForEachEntry(Stream deb, string source, Func<TarEntry, bool> visit)
    {
        var found = false;
        ForEachMember(deb, source, (name, member) =>
        {
            if (!name.StartsWith("data.tar", StringComparison.Ordinal))
                return true;
            found = true;
            ReadDataTar(name, member, $"{source}:{name}", visit);
            return false;
        });
        if (!found)
            throw new DebianPackageException($"{source}: no data.tar member in the package");
    }

    /// <summary>
    /// Streams the regular files whose path (without the leading "./") <paramref name="wanted"/> accepts to
    /// <paramref name="visit"/> (path, length, data), in archive order, until it returns false.
    /// </summary>
    public static void ForEachFile(Stream deb, string source, Func<string, bool> wanted, Func<string, long, Stream, bool> visit) =>
        ForEachEntry(deb, source, entry =>
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                return true;
            var path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            return !wanted(path) || visit(path, entry.Length, entry.DataStream ?? Stream.Null);
        });

    private static void ReadDataTar(string name, Stream member, string where, Func<TarEntry, bool> visit)
    {
        var compression = name["data.tar".Length..] switch
        {
            "" => "none",
            ".xz" => "xz",
            ".zst" => "zstd",
            ".gz" => "gzip",
            ".bz2" => "bzip2",
            var other => other.TrimStart('.'),
        };
        try
        {
            using var tar = compression switch
            {
                "none" => member,
                "xz" => new XzDecoderStream(member),
                "zstd" => new DecompressionStream(member, leaveOpen: true),
                "gzip" => new GZipStream(member, CompressionMode.Decompress, leaveOpen: true),
                _ => throw new DebianPackageException($"{where}: unsupported compression {compression} (supported: xz, zstd, gzip, none)"),
            };
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                if (!visit(entry))
                    return;
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ZstdException or SharpCompress.Common.ArchiveException)
        {
            throw new DebianPackageException($"{where}: corrupt {compression} tar data: {e.Message}", e);
        }
    }

    /// <summary>Calls <paramref name="visit"/> with each member's name and a stream over its bytes until it returns false.</summary>
    private static void ForEachMember(Stream archive, string source, Func<string, Stream, bool> visit)
    {
        Span<byte> magic = stackalloc byte[Magic.Length];
        if (archive.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !HasMagic(magic))
            throw new DebianPackageException($"{source}: not a .deb (no \"!<arch>\" ar header)");

        var header = new byte[HeaderLength];
        long offset = Magic.Length;
        while (archive.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) is var read && read > 0)
        {
            if (read != HeaderLength)
                throw new DebianPackageException($"{source}: ar member header at offset {offset} is truncated");
            if (header[58] != '`' || header[59] != '\n')
                throw new DebianPackageException($"{source}: ar member header at offset {offset} lacks its \"`\\n\" terminator");
            var name = Encoding.ASCII.GetString(header, 0, 16).TrimEnd(' ').TrimEnd('/');
            if (!long.TryParse(Encoding.ASCII.GetString(header, 48, 10).TrimEnd(' '), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                throw new DebianPackageException($"{source}: ar member {name} at offset {offset} has an invalid size field");

            var member = new BoundedStream(archive, size, $"{source}: ar member {name} at offset {offset} declares {size} bytes, but the file ends first");
            if (!visit(name, member))
                return;
            member.SkipRest();
            if (size % 2 == 1)
                archive.ReadByte(); // members are 2-byte aligned
            offset += HeaderLength + size + (size & 1);
        }
    }

    /// <summary>Read-only view of the next <c>length</c> bytes of a forward-only stream; ending early is an error.</summary>
    private sealed class BoundedStream(Stream inner, long length, string truncated) : Stream
    {
        private readonly long _length = length;
        private long _remaining = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining == 0 || buffer.IsEmpty)
                return 0;
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            if (read == 0)
                throw new DebianPackageException(truncated);
            _remaining -= read;
            return read;
        }

        public void SkipRest() => CopyTo(Null);

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
