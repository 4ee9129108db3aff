using System.Buffers.Binary;
using System.IO.Compression;
using Vmspec.GuestKernels.Buffers;
using Vmspec.Shared.Compression;
using ZstdSharp;

namespace Vmspec.GuestKernels.Compression;

/// <summary>Called after each decoded chunk with the number of output bytes so far; returning true stops decoding there.</summary>
internal delegate bool DecodeProgress(int decoded);

/// <summary>A bzImage payload whose size trailer has been checked: what to decode, and exactly how much output it declares.</summary>
internal readonly record struct KernelPayload(CompressionKind Kind, ReadOnlyMemory<byte> Compressed, int DeclaredSize);

/// <summary>
/// Decompresses a kernel payload into a buffer whose size is fixed before any output is produced,
/// so a hostile payload can never make us allocate or write more than the caller's limit.
/// </summary>
public static class PayloadDecompressor
{
    /// <summary>Output handed to a <see cref="DecodeProgress"/> at a time by the stream decoders (gzip, xz).</summary>
    private const int StreamChunk = 1 << 20;

    /// <summary>
    /// Decompresses a bzImage payload. Its last 4 bytes are the LE uncompressed size (gzip's own ISIZE,
    /// or the kernel's size_append for the others); the output must be exactly that size, which in turn
    /// must not exceed <paramref name="maxOutput"/> (the header's init_size).
    /// </summary>
    public static byte[] DecompressKernelPayload(ReadOnlyMemory<byte> payload, long maxOutput, string source)
    {
        var described = Describe(payload, maxOutput, source);
        if (described.Kind == CompressionKind.None)
            return payload.ToArray(); // CONFIG_KERNEL_UNCOMPRESSED: the ELF itself, already bounded by the file
        byte[] output = GC.AllocateUninitializedArray<byte>(described.DeclaredSize);
        CheckComplete(described, Decompress(described.Kind, described.Compressed, output, source, progress: null), source);
        return output;
    }

    /// <summary>Detects the compression and checks the size trailer against <paramref name="maxOutput"/> before anything is decoded.
    /// An uncompressed payload is its own output.</summary>
    internal static KernelPayload Describe(ReadOnlyMemory<byte> payload, long maxOutput, string source)
    {
        var kind = CompressionMagic.Detect(payload.Span)
            ?? throw new KernelImageException($"{source}: payload starts with {Hex(payload.Span)}, not a known compression magic");
        if (kind == CompressionKind.None)
            return new(kind, payload, payload.Length);
        EnsureSupported(kind, source);
        if (payload.Length < 8)
            throw new KernelImageException($"{source}: {kind.Name()} payload of {payload.Length} bytes is too short to hold data and its size trailer");
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(payload.Span[^4..]);
        long limit = Math.Min(maxOutput, Array.MaxLength);
        if (declared > limit)
            throw new KernelImageException($"{source}: payload trailer declares {declared} uncompressed bytes, more than the limit of {limit} (init_size); refusing to decompress");
        // gzip's trailer is part of the gzip stream; the kernel appends the size after the others.
        return new(kind, kind == CompressionKind.Gzip ? payload : payload[..^4], (int)declared);
    }

    /// <summary>A payload decoded to the end must have produced exactly what its trailer declared.</summary>
    internal static void CheckComplete(KernelPayload payload, int written, string source)
    {
        if (written != payload.DeclaredSize)
            throw new KernelImageException($"{source}: {payload.Kind.Name()} payload decompressed to {written} bytes but its trailer declares {payload.DeclaredSize}");
    }

    /// <summary>
    /// Decompresses <paramref name="compressed"/> into <paramref name="output"/>; returns the bytes written.
    /// Output that would not fit is refused with an error rather than truncated.
    /// </summary>
    public static int Decompress(CompressionKind kind, ReadOnlyMemory<byte> compressed, Span<byte> output, string source) =>
        Decompress(kind, compressed, output, source, progress: null);

    /// <summary>As above; <paramref name="progress"/> sees the output grow and may stop decoding early, in which case
    /// the bytes written so far are returned.</summary>
    internal static int Decompress(CompressionKind kind, ReadOnlyMemory<byte> compressed, Span<byte> output, string source, DecodeProgress? progress)
    {
        EnsureSupported(kind, source);
        if (kind == CompressionKind.Lz4)
            return Lz4LegacyDecoder.Decode(compressed.Span, output, source, progress);
        if (kind == CompressionKind.Zstd)
            return ZstdStreamDecoder.Decode(compressed.Span, output, source, progress);
        if (kind == CompressionKind.None)
        {
            if (compressed.Length > output.Length)
                throw TooLarge(kind, output.Length, source);
            compressed.Span.CopyTo(output);
            progress?.Invoke(compressed.Length);
            return compressed.Length;
        }
        try
        {
            using var input = new ReadOnlyMemoryStream(compressed);
            using var decoder = OpenDecoder(kind, input);
            return ReadBounded(decoder, output, kind, source, progress);
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
        CompressionKind.Xz => new XzDecoderStream(compressed),
        _ => throw new KernelImageException($"unsupported compression {kind.Name()} for a stream"),
    };

    private static int ReadBounded(Stream decoder, Span<byte> output, CompressionKind kind, string source, DecodeProgress? progress)
    {
        int written = 0;
        while (written < output.Length)
        {
            int n = decoder.Read(output.Slice(written, Math.Min(StreamChunk, output.Length - written)));
            if (n == 0)
                return written;
            written += n;
            if (progress is not null && progress(written))
                return written;
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

    internal static KernelImageException TooLarge(CompressionKind kind, int limit, string source) =>
        new($"{source}: {kind.Name()} output exceeds the limit of {limit} bytes; refusing to decompress further");

    private static string Hex(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? "(nothing)" : Convert.ToHexString(data[..Math.Min(6, data.Length)]);
}
