using ZstdSharp.Unsafe;

namespace Vmspec.GuestKernels.Compression;

/// <summary>
/// zstd decoded a slice of input at a time straight into the caller's buffer (ZSTD_d_stableOutBuffer:
/// no window buffer, no extra copy), so the caller can look at the output so far and stop early.
/// </summary>
internal static unsafe class ZstdStreamDecoder
{
    /// <summary>Input fed per call: about half a MiB of kernel output between progress checks.</summary>
    private const int InputSlice = 128 << 10;
    private const ZSTD_dParameter StableOutBuffer = ZSTD_dParameter.ZSTD_d_experimentalParam2;
    /// <summary>ZSTD_WINDOWLOG_MAX_64: `zstd -22 --ultra` kernels may declare a window beyond the streaming default of 2^27;
    /// with a stable output buffer no window is allocated, so the declared size costs nothing.</summary>
    private const int MaxWindowLog = 31;

    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output, string source, DecodeProgress? progress)
    {
        var context = Methods.ZSTD_createDCtx();
        if (context is null)
            throw new OutOfMemoryException("ZSTD_createDCtx failed");
        try
        {
            Check(Methods.ZSTD_DCtx_setParameter(context, StableOutBuffer, 1), output.Length, source);
            Check(Methods.ZSTD_DCtx_setParameter(context, ZSTD_dParameter.ZSTD_d_windowLogMax, MaxWindowLog), output.Length, source);
            fixed (byte* src = input)
            fixed (byte* dst = output)
            {
                nuint srcPos = 0, dstPos = 0, remaining = 1;
                while (srcPos < (nuint)input.Length)
                {
                    nuint before = srcPos, written = dstPos;
                    nuint sliceEnd = Math.Min(srcPos + InputSlice, (nuint)input.Length);
                    remaining = Check(Methods.ZSTD_decompressStream_simpleArgs(context, dst, (nuint)output.Length, &dstPos, src, sliceEnd, &srcPos),
                        output.Length, source);
                    if (dstPos != written && progress is not null && progress((int)dstPos))
                        return (int)dstPos;
                    if (srcPos == before && dstPos == written)
                        throw TooLargeOrTruncated(dstPos, output.Length, source);
                }
                // Input is used up; a non-zero hint means the frame wanted more (or had no room left for what it holds).
                if (remaining != 0)
                    throw TooLargeOrTruncated(dstPos, output.Length, source);
                return (int)dstPos;
            }
        }
        finally
        {
            Methods.ZSTD_freeDCtx(context);
        }
    }

    private static nuint Check(nuint result, int limit, string source)
    {
        if (!Methods.ZSTD_isError(result))
            return result;
        var code = Methods.ZSTD_getErrorCode(result);
        if (code == ZSTD_ErrorCode.ZSTD_error_dstSize_tooSmall)
            throw PayloadDecompressor.TooLarge(CompressionKind.Zstd, limit, source);
        throw new KernelImageException($"{source}: corrupt zstd data: {code}");
    }

    private static KernelImageException TooLargeOrTruncated(nuint written, int limit, string source) =>
        written == (nuint)limit
            ? PayloadDecompressor.TooLarge(CompressionKind.Zstd, limit, source)
            : new KernelImageException($"{source}: corrupt zstd data: the stream ends inside a frame after {written} output bytes");
}
