using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Vmspec.Images.Tests.Compression;

public sealed class DeterministicGzipStreamTests
{
    private static byte[] Compress(byte[] input)
    {
        using var output = new MemoryStream();
        using (var gzip = new DeterministicGzipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(input);
        }

        return output.ToArray();
    }

    private static byte[] Input() => Enumerable.Range(0, 100_000).Select(static i => (byte)(i * 7 % 251)).ToArray();

    [Fact]
    public void Header_is_fixed_and_output_is_repeatable()
    {
        var first = Compress(Input());

        Assert.Equal(new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff }, first[..10]);
        Assert.Equal(first, Compress(Input()));
    }

    [Fact]
    public void Trailer_holds_CRC32_and_length_and_any_gzip_reader_decodes_it()
    {
        var input = Input();
        var compressed = Compress(input);

        Assert.Equal(Crc32.HashToUInt32(input), BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 8)));
        Assert.Equal((uint)input.Length, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4)));
        using var decoded = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            gzip.CopyTo(decoded);
        }

        Assert.Equal(input, decoded.ToArray());
    }

    [Fact]
    public void Framework_gzip_header_takes_the_OS_byte_from_the_platform_which_is_why_we_write_our_own()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Input());
        }

        var header = output.ToArray()[..10];
        // zlib's OS_CODE: 3 (Unix) on Linux/macOS builds, 10 on Windows builds.
        Assert.Equal(OperatingSystem.IsWindows() ? (byte)10 : (byte)3, header[9]);
    }
}
