using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Vmspec.GuestKernels.Compression;

/// <summary>
/// Decompresses a kernel payload into a buffer whose size is fixed before any output is produced,
/// so a hostile payload can never make us allocate or write more than the caller's limit.
/// </summary>
public static class PayloadDecompressor
{
    /// <summary>
    /// Decompresses a bzImage payload. Its last 4 bytes are the LE uncompressed size (gzip's own ISIZE,
    /// or the kernel's size_append for the others); the output must be exactly that size, which in turn
    /// must not exceed <paramref name="maxOutput"/> (the header's init_size).
    /// </summary>
    public static byte[] DecompressKernelPayload(ReadOnlyMemory<byte> payload, long maxOutput, string source)
    {
        var kind = CompressionMagic.Detect(payload.Span)
            ?? throw new KernelImageException($"{source}: payload starts with {Hex(payload.Span)}, not a known compression magic");
        if (kind == CompressionKind.None)
            return payload.ToArray(); // CONFIG_KERNEL_UNCOMPRESSED: the ELF itself, already bounded by the file
        EnsureSupported(kind, source);
        if (payload.Length < 8)
            throw new KernelImageException($"{source}: {kind.Name()} payload of {payload.Length} bytes is too short to hold data and its size trailer");
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(payload.Span[^4..]);
        long limit = Math.Min(maxOutput, Array.MaxLength);
        if (declared > limit)
            throw new KernelImageException($"{source}: payload trailer declares {declared} uncompressed bytes, more than the limit of {limit} (init_size); refusing to decompress");
        // gzip's trailer is part of the gzip stream; the kernel appends the size after the others.
        var compressed = kind == CompressionKind.Gzip ? payload : payload[..^4];
        byte[] output = GC.AllocateUninitializedArray<byte>((int)declared);
        int written = Decompress(kind, compressed, output, source);
        if (written != declared)
            throw new KernelImageException($"{source}: {kind.Name()} payload decompressed to {written} bytes but its trailer declares {declared}");
        return output;
    }

    /// <summary>
    /// Decompresses <paramref name="compressed"/> into <paramref name="output"/>; returns the bytes written.
    /// Output that would not fit is refused with an error rather than truncated.
    /// </summary>
    public static int Decompress(CompressionKind kind, ReadOnlyMemory<byte> compressed, Span<byte> output, string source)
    {
        EnsureSupported(kind, source);
        if (kind == CompressionKind.Lz4)
            return Lz4LegacyDecoder.Decode(compressed.Span, output, source);
        if (kind == CompressionKind.None)
        {
            if (compressed.Length > output.Length)
                throw TooLarge(kind, output.Length, source);
            compressed.Span.CopyTo(output);
            return compressed.Length;
        }
        try
        {
            if (kind == CompressionKind.Zstd)
                return DecompressZstd(compressed.Span, output, source);
            using var input = AsStream(compressed);
            using var decoder = OpenDecoder(kind, input);
            return ReadBounded(decoder, output, kind, source);
        }
        catch (Exception e) when (e is not KernelImageException and not OutOfMemoryException)
        {
            // Each decoder library reports corrupt input with its own exception types.
            throw new KernelImageException($"{source}: corrupt {kind.Name()} data: {e.Message}", e);
        }
    }

    /// <summary>A decoding stream over <paramref name="compressed"/> for gzip, zstd or xz; the caller bounds what it reads.</summary>
    public static Stream OpenDecoder(CompressionKind kind, Stream compressed) => kind switch
    {
        CompressionKind.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        CompressionKind.Zstd => new DecompressionStream(compressed, leaveOpen: true),
        CompressionKind.Xz => new XZStream(compressed),
        _ => throw new KernelImageException($"unsupported compression {kind.Name()} for a stream"),
    };

    /// <summary>One-shot zstd straight into the output: no window buffer or extra copy, and the output span is the bound.</summary>
    private static int DecompressZstd(ReadOnlySpan<byte> input, Span<byte> output, string source)
    {
        using var decompressor = new Decompressor();
        try
        {
            return decompressor.Unwrap(input, output);
        }
        catch (ZstdException e) when (e.Code == ZstdSharp.Unsafe.ZSTD_ErrorCode.ZSTD_error_dstSize_tooSmall)
        {
            throw TooLarge(CompressionKind.Zstd, output.Length, source);
        }
    }

    private static int ReadBounded(Stream decoder, Span<byte> output, CompressionKind kind, string source)
    {
        int written = 0;
        while (written < output.Length)
        {
            int n = decoder.Read(output[written..]);
            if (n == 0)
                return written;
            written += n;
        }
        Span<byte> probe = stackalloc byte[1];
        if (decoder.Read(probe) != 0)
            throw TooLarge(kind, output.Length, source);
        return written;
    }

    private static void EnsureSupported(CompressionKind kind, string source)
    {
        if (kind is CompressionKind.Bzip2 or CompressionKind.Lzma or CompressionKind.Lzo)
            throw new KernelImageException($"{source}: unsupported compression {kind.Name()} (supported: gzip, zstd, xz, lz4)");
    }

    private static KernelImageException TooLarge(CompressionKind kind, int limit, string source) =>
        new($"{source}: {kind.Name()} output exceeds the limit of {limit} bytes; refusing to decompress further");

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static string Hex(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? "(nothing)" : Convert.ToHexString(data[..Math.Min(6, data.Length)]);
}
