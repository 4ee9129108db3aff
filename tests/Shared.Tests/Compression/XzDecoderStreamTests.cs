using System.Buffers.Binary;
using Vmspec.Shared.Compression;
using Vmspec.TestSupport;

namespace Vmspec.Shared.Tests.Compression;

/// <summary>
/// The xz decoder on the kernel's filter chain (x86 BCJ + LZMA2, CRC32 check). The BCJ filter must give the same bytes
/// wherever the reads split the output: SharpCompress 0.50.8's XZStream does not (an E8/E9 in the last 4 bytes of a read
/// stays unconverted), which broke Debian 6.1's xz kernel.
/// </summary>
public sealed class XzDecoderStreamTests
{
    /// <summary>Decoding in pieces, each call handed the previous call's undecided tail again, equals decoding in one go.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(4097)]
    [InlineData(1 << 20)]
    public void X86_filter_gives_the_same_bytes_wherever_the_input_is_split(int maxPiece)
    {
        byte[] data = X86Code(3 << 20, seed: 7);
        byte[] whole = (byte[])data.Clone();
        new X86BranchFilter(0).Decode(whole);

        byte[] pieces = (byte[])data.Clone();
        var filter = new X86BranchFilter(0);
        var random = new Random(maxPiece);
        int done = 0, available = 0;
        while (available < pieces.Length)
        {
            available = Math.Min(pieces.Length, available + random.Next(1, maxPiece + 1));
            done += filter.Decode(pieces.AsSpan(done, available - done));
            Assert.InRange(available - done, 0, 4);
        }

        Assert.NotEqual(data, whole); // the filter did convert something
        Assert.Equal(whole, pieces);
    }

    /// <summary>A stream made by xz-utils with the kernel's options, over more than one 1 MiB decode chunk, read in
    /// pieces of odd sizes.</summary>
    [Theory]
    [InlineData("x86-code")]
    [InlineData("/bin/ls")]
    public void Decodes_what_xz_utils_encodes_with_the_kernels_filter_chain(string input)
    {
        byte[] data = input == "x86-code" ? X86Code(3 << 20, seed: 1)
            : File.Exists(input) ? File.ReadAllBytes(input) : SkipMissing(input);
        byte[] xz = XzCli.Run(data, "--format=xz", "--check=crc32", "--x86", "--lzma2=preset=6,dict=1MiB", "-c");

        foreach (int readSize in new[] { 1, 4093, 1 << 20 })
            Assert.Equal(data, ReadAll(xz, readSize));
    }

    /// <summary>What dpkg writes: CRC64, several blocks with their sizes in the headers, and no BCJ; plus stream padding and a
    /// second stream, which xz-utils concatenates.</summary>
    [Fact]
    public void Decodes_multi_block_CRC64_and_concatenated_streams()
    {
        byte[] data = X86Code(3 << 20, seed: 2);
        byte[] first = XzCli.Run(data, "--format=xz", "--check=crc64", "--block-size=1MiB", "-T2", "-c");
        byte[] second = XzCli.Run(data[..1000], "--format=xz", "--check=sha256", "-c");
        byte[] both = [.. first, 0, 0, 0, 0, .. second];

        Assert.Equal([.. data, .. data[..1000]], ReadAll(both, 65536));
        Assert.Equal(XzCli.Run(both, "-dc"), ReadAll(both, 65536));
    }

    [Fact]
    public void Reports_a_block_whose_check_does_not_match()
    {
        byte[] data = X86Code(100_000, seed: 3);
        byte[] xz = XzCli.Run(data, "--format=xz", "--check=crc32", "--x86", "--lzma2", "-c");
        int indexSize = (int)(BinaryPrimitives.ReadUInt32LittleEndian(xz.AsSpan(xz.Length - 8)) + 1) * 4;
        xz[xz.Length - 12 - indexSize - 1] ^= 0x55; // last byte of the block's CRC32

        var e = Assert.Throws<InvalidDataException>(() => ReadAll(xz, 65536));
        Assert.StartsWith("block 1 at offset 12: the CRC32 check of the decoded data is ", e.Message);
    }

    [Fact]
    public void Refuses_filter_chains_it_does_not_implement()
    {
        byte[] xz = XzCli.Run(X86Code(10_000, seed: 4), "--format=xz", "--check=crc32", "--arm", "--lzma2", "-c");
        var e = Assert.Throws<InvalidDataException>(() => ReadAll(xz, 65536));
        Assert.Equal("block 1 header at offset 12: filter chain 0x07 + 0x21 is not supported (only LZMA2 (0x21), optionally after x86 BCJ (0x04))", e.Message);
    }

    [Fact]
    public void Reports_a_truncated_stream()
    {
        byte[] xz = XzCli.Run(X86Code(10_000, seed: 5), "--format=xz", "--check=crc32", "--x86", "--lzma2", "-c")[..^20];
        Assert.Throws<InvalidDataException>(() => ReadAll(xz, 65536));
    }

    private static byte[] ReadAll(byte[] xz, int readSize)
    {
        using var decoder = new XzDecoderStream(new MemoryStream(xz));
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        while (decoder.Read(buffer) is var n and > 0)
            output.Write(buffer, 0, n);
        return output.ToArray();
    }

    /// <summary>Bytes shaped like x86 code for the BCJ filter: near calls and jumps (E8/E9 with a small rel32, whose top
    /// byte is 00 or FF) between runs of other bytes, so calls straddle every read boundary sooner or later.</summary>
    private static byte[] X86Code(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        int pos = 0;
        while (pos < length)
        {
            if (random.Next(3) == 0 && pos + 5 <= length)
            {
                data[pos] = random.Next(4) == 0 ? (byte)0xE9 : (byte)0xE8;
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(pos + 1), random.Next(-(1 << 20), 1 << 20));
                pos += 5;
            }
            else
            {
                int run = Math.Min(random.Next(1, 8), length - pos);
                for (int i = 0; i < run; i++)
                    data[pos + i] = (byte)random.Next(0x100);
                pos += run;
            }
        }
        return data;
    }

    private static byte[] SkipMissing(string path)
    {
        Assert.Skip($"{path} does not exist on this host");
        return [];
    }
}
