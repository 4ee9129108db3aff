using Vmspec.GuestKernels.Compression;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>A tiny "vmlinux": an ELF whose .BTF describes struct kvm_vcpu_pv_apf_data in one of its layouts.</summary>
internal static class SyntheticKernel
{
    public static byte[] ApfBtf(bool legacy68)
    {
        var b = new BtfBuilder();
        int u8 = b.Int("unsigned char", 1, 8);
        int u32 = b.Int("unsigned int", 4, 32);
        int idx = b.Int("int", 4, 32, encoding: 1);
        int kU8 = b.Typedef("__u8", u8);
        int kU32 = b.Typedef("__u32", u32);
        int pad = b.Array(kU8, idx, 56);
        b.Struct("unrelated", 4, ("x", kU32, 0));
        if (legacy68)
            b.Struct("kvm_vcpu_pv_apf_data", 68, ("flags", kU32, 0), ("token", kU32, 32), ("pad", pad, 64), ("enabled", kU32, 512));
        else
            b.Struct("kvm_vcpu_pv_apf_data", 64, ("flags", kU32, 0), ("token", kU32, 32), ("pad", pad, 64));
        return b.Build();
    }

    public static byte[] Vmlinux(bool legacy68) =>
        ElfBuilder.Build((".text", new byte[256]), (".BTF", ApfBtf(legacy68)), (".data", Payloads.Sample(4096)));

    public static byte[] BzImage(CompressionKind kind, bool legacy68) =>
        BzImageBuilder.Build(Payloads.Compress(kind, Vmlinux(legacy68)));
}
