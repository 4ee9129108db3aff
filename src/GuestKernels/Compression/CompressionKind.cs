namespace Vmspec.GuestKernels.Compression;

/// <summary>The compressors a Linux bzImage payload (or a .deb member) can use.</summary>
public enum CompressionKind
{
    None,
    Gzip,
    Zstd,
    Xz,
    Lz4,
    Bzip2,
    Lzma,
    Lzo,
}

/// <summary>Recognises a compressed stream by its leading magic bytes (the table scripts/extract-vmlinux uses).</summary>
public static class CompressionMagic
{
    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> Zstd => [0x28, 0xB5, 0x2F, 0xFD];
    private static ReadOnlySpan<byte> Xz => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    private static ReadOnlySpan<byte> Lz4Legacy => [0x02, 0x21, 0x4C, 0x18];
    private static ReadOnlySpan<byte> Bzip2 => [0x42, 0x5A, 0x68];
    private static ReadOnlySpan<byte> Lzma => [0x5D, 0x00, 0x00];
    private static ReadOnlySpan<byte> Lzo => [0x89, 0x4C, 0x5A, 0x4F];
    private static ReadOnlySpan<byte> Elf => [0x7F, 0x45, 0x4C, 0x46];

    /// <summary>The compression of <paramref name="data"/>, <see cref="CompressionKind.None"/> for a bare ELF, or null if unknown.</summary>
    public static CompressionKind? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Gzip)) return CompressionKind.Gzip;
        if (data.StartsWith(Zstd)) return CompressionKind.Zstd;
        if (data.StartsWith(Xz)) return CompressionKind.Xz;
        if (data.StartsWith(Lz4Legacy)) return CompressionKind.Lz4;
        if (data.StartsWith(Bzip2)) return CompressionKind.Bzip2;
        if (data.StartsWith(Lzma)) return CompressionKind.Lzma;
        if (data.StartsWith(Lzo)) return CompressionKind.Lzo;
        if (data.StartsWith(Elf)) return CompressionKind.None;
        return null;
    }

    /// <summary>The lower-case name used in reports and errors.</summary>
    public static string Name(this CompressionKind kind) => kind switch
    {
        CompressionKind.None => "none",
        CompressionKind.Gzip => "gzip",
        CompressionKind.Zstd => "zstd",
        CompressionKind.Xz => "xz",
        CompressionKind.Lz4 => "lz4",
        CompressionKind.Bzip2 => "bzip2",
        CompressionKind.Lzma => "lzma",
        CompressionKind.Lzo => "lzo",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
