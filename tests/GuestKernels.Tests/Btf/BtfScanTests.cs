using System.Buffers.Binary;
using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Tests.Builders;
using Vmspec.TestSupport;

namespace Vmspec.GuestKernels.Tests.Btf;

/// <summary>Finding .BTF by its header while the payload decompresses, and falling back to the section table when that fails.</summary>
public sealed class BtfScanTests
{
    private static readonly byte[] Signature = [0x9F, 0xEB, 0x01, 0x00];

    /// <summary>A vmlinux with .BTF between 1 MiB of text and 1 MiB of data; the decoys go into .text, before the real blob.</summary>
    private static byte[] Vmlinux(byte[] btf, params byte[][] decoys)
    {
        byte[] text = Payloads.Sample(1 << 20);
        int at = 4096;
        foreach (byte[] decoy in decoys)
        {
            decoy.CopyTo(text, at);
            at += decoy.Length + 4096;
        }
        return ElfBuilder.Build((".text", text), (".BTF", btf), (".data", Payloads.Sample(1 << 20)));
    }

    /// <summary>Feeds <paramref name="image"/> to a scanner in growing prefixes, as a decoder would; returns the prefix length at the hit.</summary>
    private static int Scan(BtfScanner scanner, byte[] image, int step)
    {
        for (int length = Math.Min(step, image.Length); ; length = Math.Min(length + step, image.Length))
        {
            if (scanner.Observe(image.AsSpan(0, length)))
                return length;
            if (length == image.Length)
                return -1;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Finds_the_blob_in_the_middle_and_stops_once_it_is_complete(int step)
    {
        byte[] btf = SyntheticKernel.ApfBtf(legacy68: true);
        byte[] image = Vmlinux(btf);
        int offset = image.AsSpan().IndexOf(btf);

        var scanner = new BtfScanner(image.Length, "test");
        int seen = Scan(scanner, image, step);

        Assert.Equal(offset, scanner.Offset);
        Assert.Equal(btf, scanner.Blob);
        Assert.InRange(seen, offset + btf.Length, offset + btf.Length + step - 1);
        Assert.Equal("legacy-68", ApfDataClassifier.Classify(scanner.Types!.FindStruct(ApfDataLayouts.StructName)!).Verdict);
    }

    [Fact]
    public void Skips_decoys_before_the_real_blob()
    {
        byte[] btf = SyntheticKernel.ApfBtf(legacy68: false);
        byte[] inconsistent = [.. Signature, .. Payloads.Le32(24), .. Payloads.Le32(8), .. Payloads.Le32(100), .. Payloads.Le32(50), .. Payloads.Le32(10)];
        byte[] garbage = (byte[])btf.Clone();
        garbage.AsSpan(24).Fill(0xC3); // a consistent header over bytes that are no BTF
        byte[] tooLong = [.. Signature, .. Payloads.Le32(24), .. Payloads.Le32(0), .. Payloads.Le32(1 << 30), .. Payloads.Le32(1 << 30), .. Payloads.Le32(1)];
        byte[] image = Vmlinux(btf, inconsistent, garbage, tooLong);
        int offset = image.AsSpan().LastIndexOf(btf);
        Assert.True(offset > 1 << 20, "the real .BTF comes after the decoys in .text");

        var scanner = new BtfScanner(image.Length, "test");
        Assert.True(Scan(scanner, image, 65536) > 0);

        Assert.Equal(offset, scanner.Offset);
        Assert.Equal(btf, scanner.Blob);
    }

    [Fact]
    public void Finds_nothing_without_BTF()
    {
        byte[] image = ElfBuilder.Build((".text", Payloads.Sample(100_000)), (".data", [.. Signature, .. new byte[64]]));
        var scanner = new BtfScanner(image.Length, "test");
        Assert.Equal(-1, Scan(scanner, image, 1000));
        Assert.Null(scanner.Types);
        Assert.Equal(-1, scanner.Offset);
    }

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void The_bzImage_scan_stops_decompressing_and_matches_the_full_route(CompressionKind kind)
    {
        byte[] bz = BzImageBuilder.Build(Payloads.Compress(kind, Vmlinux(SyntheticKernel.ApfBtf(legacy68: true))));

        var scanned = KernelImage.FromBytes(bz, "vmlinuz");
        var full = KernelImage.FromBytes(bz, "vmlinuz", scanPayload: false);

        Assert.Equal(BtfOrigin.PayloadScan, scanned.BtfOrigin);
        Assert.Equal(BtfOrigin.ElfSection, full.BtfOrigin);
        Assert.Equal(full.Btf.ToArray(), scanned.Btf.ToArray());
        Assert.Equal(AbiReport.FromImage(full).ToJson(), AbiReport.FromImage(scanned).ToJson());
    }

    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Decoders_stop_when_progress_says_so(CompressionKind kind)
    {
        byte[] data = new byte[3 << 20];
        new Random(42).NextBytes(data); // incompressible: every decoder needs several steps for it
        byte[] compressed = kind == CompressionKind.Lz4
            ? Payloads.Lz4Legacy(data, blockSize: 1 << 20)
            : Payloads.Compress(kind, data)[..^(kind == CompressionKind.Gzip ? 0 : 4)];
        var output = new byte[data.Length];
        int calls = 0;

        int written = PayloadDecompressor.Decompress(kind, compressed, output, "test", decoded => ++calls == 1);

        Assert.Equal(1, calls);
        Assert.InRange(written, 1, data.Length - 1);
        Assert.Equal(data.AsSpan(0, written), output.AsSpan(0, written));
    }

    /// <summary>A blob whose types do not start right after the header is valid BTF but not pahole's layout: the scan passes
    /// it by, and the section table still finds it.</summary>
    [Fact]
    public void Falls_back_to_the_section_table_when_the_scan_finds_nothing()
    {
        byte[] btf = SyntheticKernel.ApfBtf(legacy68: false);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(12));
        byte[] padded = [.. btf[..24], 0, 0, 0, 0, .. btf[24..]];
        BinaryPrimitives.WriteUInt32LittleEndian(padded.AsSpan(8), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(padded.AsSpan(16), typeLen + 4);
        byte[] bz = BzImageBuilder.Build(Payloads.Compress(CompressionKind.Zstd, Vmlinux(padded)));

        var image = KernelImage.FromBytes(bz, "vmlinuz");

        Assert.Equal(BtfOrigin.ElfSection, image.BtfOrigin);
        Assert.Equal("fixed-64", AbiReport.FromImage(image).Verdict);
    }

    [Fact]
    public void A_payload_without_BTF_still_reports_the_missing_section()
    {
        byte[] bz = BzImageBuilder.Build(Payloads.Compress(CompressionKind.Lz4, ElfBuilder.Build((".text", Payloads.Sample(200_000)))));

        var image = KernelImage.FromBytes(bz, "vmlinuz");
        var report = AbiReport.FromImage(image);

        Assert.Equal(BtfOrigin.None, image.BtfOrigin);
        Assert.Equal("unknown", report.Verdict);
        Assert.Equal("the vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)", report.Detail);
    }

    [Fact]
    public void A_lying_trailer_is_still_refused_when_the_blob_lies_beyond_it()
    {
        byte[] vmlinux = Vmlinux(SyntheticKernel.ApfBtf(legacy68: true));
        byte[] payload = Payloads.Compress(CompressionKind.Lz4, vmlinux);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(payload.Length - 4), 1 << 20); // before .BTF ends
        var e = Assert.Throws<KernelImageException>(() => KernelImage.FromBytes(BzImageBuilder.Build(payload), "lying.img"));
        Assert.StartsWith("lying.img payload: lz4 output exceeds the", e.Message);
    }

    /// <summary>Open reads the file into native memory, and the decoders (gzip and xz through a stream, lz4 from a span) read the payload there.</summary>
    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Lz4)]
    [InlineData(CompressionKind.Xz)]
    public void Open_gives_the_same_report_as_from_bytes(CompressionKind kind)
    {
        byte[] bz = BzImageBuilder.Build(Payloads.Compress(kind, Vmlinux(SyntheticKernel.ApfBtf(legacy68: true))));
        using var temp = new TempDirectory();
        string path = temp.Combine("vmlinuz");
        File.WriteAllBytes(path, bz);
        var opened = KernelImage.Open(path);
        Assert.Equal(BtfOrigin.PayloadScan, opened.BtfOrigin);
        Assert.Equal(AbiReport.FromImage(KernelImage.FromBytes(bz, path)).ToJson(), AbiReport.FromImage(opened).ToJson());
    }
}
