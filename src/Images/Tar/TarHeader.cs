using System.Text;

namespace Vmspec.Images;

/// <summary>Encodes one 512-byte ustar header block (GNU-compatible checksum layout).</summary>
internal static class TarHeader
{
    public const int BlockSize = 512;
    public const int NameLength = 100;
    public const int PrefixLength = 155;

    public const byte TypeFile = (byte)'0';
    public const byte TypeSymlink = (byte)'2';
    public const byte TypeDirectory = (byte)'5';
    public const byte TypePax = (byte)'x';

    private const string OwnerName = "root";

    public static byte[] Encode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> prefix, int mode, long size, long mtime, byte typeFlag, ReadOnlySpan<byte> linkName)
    {
        var block = new byte[BlockSize];
        var span = block.AsSpan();
        CopyField(span.Slice(0, 100), name, "name");
        WriteOctal(span.Slice(100, 8), mode, "mode");
        WriteOctal(span.Slice(108, 8), 0, "uid");
        WriteOctal(span.Slice(116, 8), 0, "gid");
        WriteOctal(span.Slice(124, 12), size, "size");
        WriteOctal(span.Slice(136, 12), mtime, "mtime");
        span.Slice(148, 8).Fill((byte)' ');
        span[156] = typeFlag;
        CopyField(span.Slice(157, 100), linkName, "linkname");
        "ustar\0"u8.CopyTo(span.Slice(257, 6));
        "00"u8.CopyTo(span.Slice(263, 2));
        Encoding.ASCII.GetBytes(OwnerName).CopyTo(span.Slice(265, 32));
        Encoding.ASCII.GetBytes(OwnerName).CopyTo(span.Slice(297, 32));
        WriteOctal(span.Slice(329, 8), 0, "devmajor");
        WriteOctal(span.Slice(337, 8), 0, "devminor");
        CopyField(span.Slice(345, PrefixLength), prefix, "prefix");

        var checksum = 0;
        foreach (var b in block)
        {
            checksum += b;
        }

        // Six octal digits, NUL, space: the layout GNU tar and Go's archive/tar write.
        WriteOctal(span.Slice(148, 7), checksum, "checksum");
        span[155] = (byte)' ';
        return block;
    }

    private static void CopyField(Span<byte> field, ReadOnlySpan<byte> value, string what)
    {
        if (value.Length > field.Length)
        {
            throw new InvalidOperationException($"tar {what} of {value.Length} bytes exceeds its {field.Length}-byte field");
        }

        value.CopyTo(field);
    }

    /// <summary>Zero-padded octal digits followed by one NUL, filling the field.</summary>
    private static void WriteOctal(Span<byte> field, long value, string what)
    {
        var digits = field.Length - 1;
        if (value < 0 || (digits < 21 && value >= 1L << (3 * digits)))
        {
            throw new ImageBuildException($"tar {what} value {value} does not fit in {digits} octal digits");
        }

        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        field[digits] = 0;
    }
}
