using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests.Compression;

public sealed class DecompressionTests
{
    private const long Limit = 64 << 20;

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Round_trips_kernel_style_payloads(CompressionKind kind)
    {
        byte[] data = Payloads.Sample(300_000);
        byte[] payload = Payloads.Compress(kind, data);
        Assert.Equal(kind, CompressionMagic.Detect(payload));
        Assert.Equal(data, PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test"));
    }

    [Fact]
    public void Decodes_xz_with_the_kernels_x86_filter()
    {
        byte[] payload = Payloads.WithTrailer(Payloads.XzSample, Payloads.XzPlainText.Length);
        Assert.Equal(CompressionKind.Xz, CompressionMagic.Detect(payload));
        Assert.Equal(Payloads.XzPlainText, PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test"));
    }

    [Fact]
    public void Decodes_many_LZ4_blocks_and_concatenated_frames()
    {
        byte[] data = Payloads.Sample(100_000);
        byte[] first = Payloads.Lz4Legacy(data[..40_000], blockSize: 4096);
        byte[] second = Payloads.Lz4Legacy(data[40_000..], blockSize: 8192);
        byte[] payload = Payloads.WithTrailer([.. first, .. second], data.Length);
        Assert.Equal(data, PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test"));
    }

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Refuses_a_declared_size_above_init_size_before_allocating(CompressionKind kind)
    {
        byte[] bomb = Payloads.Compress(kind, new byte[32 << 20]);
        Assert.True(bomb.Length < 1 << 20);
        var e = Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(bomb, 1 << 20, "bomb"));
        Assert.Equal($"bomb: payload trailer declares {32 << 20} uncompressed bytes, more than the limit of {1 << 20} (init_size); refusing to decompress", e.Message);
    }

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Refuses_output_beyond_a_lying_trailer(CompressionKind kind)
    {
        byte[] bomb = Payloads.Compress(kind, new byte[32 << 20]);
        BitConverter.TryWriteBytes(bomb.AsSpan(bomb.Length - 4), 4096u);
        var e = Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(bomb, Limit, "bomb"));
        Assert.Contains("output exceeds the", e.Message);
        Assert.Contains("4096 bytes", e.Message);
    }

    [Fact]
    public void Refuses_a_trailer_that_promises_more_than_the_data_holds()
    {
        byte[] payload = Payloads.WithTrailer(new ZstdSharp.Compressor().Wrap(new byte[1000]).ToArray(), 5000);
        Assert.Equal("test: zstd payload decompressed to 1000 bytes but its trailer declares 5000",
            Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test")).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26 }, "bzip2")]
    [InlineData(new byte[] { 0x5D, 0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF, 0xFF }, "lzma")]
    [InlineData(new byte[] { 0x89, 0x4C, 0x5A, 0x4F, 0x00, 0x0D, 0x0A, 0x1A }, "lzo")]
    public void Names_unsupported_compressors(byte[] payload, string name) =>
        Assert.Equal($"test: unsupported compression {name} (supported: gzip, zstd, xz, lz4)",
            Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test")).Message);

    [Fact]
    public void Rejects_unknown_magic() =>
        Assert.Equal("test: payload starts with 010203040506, not a known compression magic",
            Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, Limit, "test")).Message);

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Corrupt_streams_are_reported_as_corrupt(CompressionKind kind)
    {
        byte[] payload = Payloads.Compress(kind, Payloads.Sample(50_000));
        payload.AsSpan(12, payload.Length - 40).Fill(0xEE);
        var e = Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test"));
        Assert.StartsWith("test: ", e.Message);
    }

    [Fact]
    public void Truncated_LZ4_block_names_its_offset()
    {
        byte[] payload = Payloads.WithTrailer(Payloads.Lz4Legacy(Payloads.Sample(10_000))[..20], 10_000);
        Assert.StartsWith("test: lz4 block at payload offset 4 needs ",
            Assert.Throws<KernelImageException>(() => PayloadDecompressor.DecompressKernelPayload(payload, Limit, "test")).Message);
    }

    [Fact]
    public void Refuses_output_beyond_the_declared_size()
    {
        var e = Assert.Throws<KernelImageException>(() =>
            PayloadDecompressor.DecompressKernelPayload(Payloads.WithTrailer(Payloads.XzSample, 1000), Limit, "bomb"));
        Assert.Equal("bomb: xz output exceeds the limit of 1000 bytes; refusing to decompress further", e.Message);
    }
}
