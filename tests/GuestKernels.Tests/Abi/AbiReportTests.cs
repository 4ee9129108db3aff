using System.Text.Json;
using System.Text;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Tests.Builders;
using Vmspec.TestSupport;

namespace Vmspec.GuestKernels.Tests.Abi;

public sealed class AbiReportTests
{
    [Theory]
    [InlineData(CompressionKind.Gzip, "gzip")]
    [InlineData(CompressionKind.Zstd, "zstd")]
    [InlineData(CompressionKind.Lz4, "lz4")]
    public void Reports_a_synthetic_bzImage(CompressionKind kind, string name)
    {
        var report = AbiReport.FromImage(KernelImage.FromBytes(SyntheticKernel.BzImage(kind, legacy68: true), "vmlinuz"));
        Assert.Equal(name, report.Compression);
        Assert.Equal("legacy-68", report.Verdict);
        Assert.Equal(BzImageBuilder.DefaultVersion, report.KernelVersion);
    }

    [Fact]
    public void JSON_has_the_documented_keys_in_order()
    {
        var report = AbiReport.FromImage(KernelImage.FromBytes(SyntheticKernel.BzImage(CompressionKind.Zstd, legacy68: false), "vmlinuz"));
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal(["image", "format", "kernelVersion", "compression", "struct", "size", "members", "verdict", "detail"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("vmlinuz", root.GetProperty("image").GetString());
        Assert.Equal("bzImage", root.GetProperty("format").GetString());
        Assert.Equal("zstd", root.GetProperty("compression").GetString());
        Assert.Equal("kvm_vcpu_pv_apf_data", root.GetProperty("struct").GetString());
        Assert.Equal(64, root.GetProperty("size").GetInt32());
        Assert.Equal("fixed-64", root.GetProperty("verdict").GetString());
        Assert.Equal([("flags", 0, 4, "__u32"), ("token", 4, 4, "__u32"), ("pad", 8, 56, "__u8[56]")],
            root.GetProperty("members").EnumerateArray()
                .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("offset").GetInt32(), m.GetProperty("size").GetInt32(), m.GetProperty("type").GetString())));
    }

    [Fact]
    public void Same_image_gives_the_same_bytes()
    {
        byte[] image = SyntheticKernel.BzImage(CompressionKind.Lz4, legacy68: true);
        byte[] first = AbiReport.FromImage(KernelImage.FromBytes(image, "a")).ToJson();
        byte[] second = AbiReport.FromImage(KernelImage.FromBytes((byte[])image.Clone(), "a")).ToJson();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Text_rendering_shows_the_layout()
    {
        var text = AbiReport.FromImage(KernelImage.FromBytes(SyntheticKernel.BzImage(CompressionKind.Gzip, legacy68: true), "vmlinuz")).ToText();
        Assert.Equal(
            $"""
            image:       vmlinuz (bzImage)
            kernel:      {BzImageBuilder.DefaultVersion}
            compression: gzip
            struct:      kvm_vcpu_pv_apf_data (68 bytes)
              +0    __u32 flags              size 4
              +4    __u32 token              size 4
              +8    __u8[56] pad             size 56
              +64   __u32 enabled            size 4
            verdict:     legacy-68
            detail:      struct kvm_vcpu_pv_apf_data matches the legacy-68 layout

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Missing_struct_is_unknown_with_a_reason()
    {
        var b = new BtfBuilder();
        b.Struct("something_else", 0);
        var report = AbiReport.FromImage(KernelImage.FromBytes(b.Build(), "btf"));
        Assert.Equal("unknown", report.Verdict);
        Assert.Null(report.Struct);
        Assert.Equal("struct kvm_vcpu_pv_apf_data is not in the BTF (1 types): the kernel may lack CONFIG_KVM_GUEST", report.Detail);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("size").ValueKind);
        Assert.Equal("btf", doc.RootElement.GetProperty("format").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public void Missing_BTF_is_unknown_with_a_reason()
    {
        var elf = ElfBuilder.Build((".text", new byte[64]));
        var report = AbiReport.FromImage(KernelImage.FromBytes(BzImageBuilder.Build(Payloads.Compress(CompressionKind.Gzip, elf)), "vmlinuz"));
        Assert.Equal("unknown", report.Verdict);
        Assert.Contains("no .BTF section", report.Detail);
    }

    [Fact]
    public void Opens_files_of_every_format()
    {
        using var temp = new TempDirectory("vmspec-test-");
        string dir = temp.Path;
        var files = new[]
        {
            ("vmlinuz", SyntheticKernel.BzImage(CompressionKind.Zstd, legacy68: false), "bzImage"),
            ("vmlinux", SyntheticKernel.Vmlinux(legacy68: false), "elf"),
            ("vmlinux.btf", SyntheticKernel.ApfBtf(legacy68: false), "btf"),
        };
        foreach (var (name, bytes, format) in files)
        {
            string path = Path.Combine(dir, name);
            File.WriteAllBytes(path, bytes);
            var report = AbiReport.Create(path);
            Assert.Equal((format, "fixed-64", path), (report.Format, report.Verdict, report.Image));
        }
        string junk = Path.Combine(dir, "junk");
        File.WriteAllBytes(junk, Encoding.ASCII.GetBytes("#!/bin/sh\n"));
        Assert.Equal($"{junk}: not a bzImage (no 0xAA55 boot flag and \"HdrS\" magic), ELF vmlinux, BTF blob or .deb package; it starts with 23212F62696E2F73",
            Assert.Throws<KernelImageException>(() => AbiReport.Create(junk)).Message);
        Assert.StartsWith($"{dir}/absent: cannot read: ", Assert.Throws<KernelImageException>(() => AbiReport.Create(Path.Combine(dir, "absent"))).Message);
    }
}
