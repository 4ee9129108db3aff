namespace Vmspec.Runtime.X86;

/// <summary>Architectural MSR numbers vmspec guests use (the KVM PV MSRs are in Vmspec.Abi.KvmPara.KvmPvMsrs).</summary>
public static class MsrIndex
{
    public const uint Ia32ApicBase = 0x1b;
    public const uint Ia32Efer = 0xc000_0080;
    public const uint X2ApicEoi = 0x80b;
    public const uint X2ApicSvr = 0x80f;

    /// <summary>IA32_APIC_BASE bits 10 (x2APIC enable) and 11 (xAPIC global enable).</summary>
    public const ulong ApicBaseX2ApicEnable = 0xc00;
    /// <summary>SVR: APIC software enable (bit 8) with spurious vector 0xff.</summary>
    public const uint SvrEnabledSpurious = 0x1ff;
}
