using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using Vmspec.GuestKernels.Compression;
using Vmspec.TestSupport;
using ZstdSharp;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>Compresses test data the way the kernel build does: the compressor's output, then (except gzip) a LE u32 size.</summary>
internal static class Payloads
{
    /// <summary>xz --check=crc32 --x86 --lzma2=dict=1MiB of <see cref="XzPlainText"/> (made with xz-utils; the kernel's filter chain).</summary>
    public static readonly byte[] XzSample = Convert.FromBase64String(
        "/Td6WFoAAAFpIt42AgEEACEBEACLIW9J4BElATxdADYaSh8IoCXB3pS6kMw7Kx81OvJf1Z5+c7Le6vfCLQQnMVvKDEf8ldIdW3ykSPjamraGPS5yX8qBD6MEmU+0TErz7LQZF1glZAp03R+qhGXcA+rC+wSWn1D3P0AzkZjOe0yhx9gSiKScdGhYsWbMyqp7fQ9kgTf85xsAy4xoF/jyQEYRZ0gldaR0jaVjdfnz6nz6bcwn6GiFwsk7QkMk5CIIvu9hxTlP/E5PV/iagvYAed/rbsdecLu7FSSRLVQ4Ai4jYX9w3JDCBGntbN1hzPsSkEXuGfkVtg7bk56LJE8l52E+I21hDFn2F8i8m/vsTpjmqXNGz3dOb84GXsS2bdZIo3vWNsEYcu0aJYUaefUs/y9PZPdNGJq9egsUN0ut5wSkXRJufi+WbDVuVY73glZuCoC6hPSE/l+bcAAA/8Un7AAB1AKmIgAA0w3zYz4wDYsCAAAAAAFZWg==");

    public static byte[] XzPlainText => System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n")));

    /// <summary>Compressible bytes that are not trivially repetitive.</summary>
    public static byte[] Sample(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)(i % 251 < 200 ? i / 64 : i * 7);
        return data;
    }

    public static byte[] Compress(CompressionKind kind, byte[] data) => kind switch
    {
        CompressionKind.Gzip => Gzip(data),
        CompressionKind.Zstd => WithTrailer(new Compressor(3).Wrap(data).ToArray(), data.Length),
        CompressionKind.Lz4 => WithTrailer(Lz4Legacy(data), data.Length),
        CompressionKind.Xz => WithTrailer(Xz(data), data.Length),
        CompressionKind.None => data,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>What scripts/xz_wrap.sh runs for x86 (xz-utils; the test skips where it is not installed).</summary>
    public static byte[] Xz(byte[] data) => XzCli.Run(data, "--format=xz", "--check=crc32", "--x86", "--lzma2=preset=6,dict=1MiB", "-c");

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>lz4 -l: magic, then [u32 size][block] per 8 MiB of input.</summary>
    public static byte[] Lz4Legacy(byte[] data, int blockSize = 8 << 20)
    {
        var output = new MemoryStream();
        output.Write([0x02, 0x21, 0x4C, 0x18]);
        for (int pos = 0; pos < data.Length; pos += blockSize)
        {
            var chunk = data.AsSpan(pos, Math.Min(blockSize, data.Length - pos));
            var block = new byte[LZ4Codec.MaximumOutputSize(chunk.Length)];
            int length = LZ4Codec.Encode(chunk, block);
            output.Write(Le32((uint)length));
            output.Write(block, 0, length);
        }
        return output.ToArray();
    }

    public static byte[] WithTrailer(byte[] compressed, long declaredSize) => [.. compressed, .. Le32((uint)declaredSize)];

    public static byte[] Le32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
