using System.Runtime.InteropServices;

namespace Vmspec.Abi.KvmPara;

/// <summary>
/// <c>struct kvm_vcpu_pv_apf_data</c> (arch/x86/include/uapi/asm/kvm_para.h) as Linux 6.9 defines it: one
/// 64-byte cache line. <see cref="ApfDataLayouts"/> describes it and the 68-byte layout before 6.9.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct KvmVcpuPvApfData
{
    public const int Size = 64;
    public const int FlagsOffset = 0;
    public const int TokenOffset = 4;
    public const int PadOffset = 8;
    public const int PadLength = 56;

    /// <summary>KVM_PV_REASON_PAGE_NOT_PRESENT: written to <see cref="Flags"/> with a 'page not present' #PF.</summary>
    public const uint ReasonPageNotPresent = 1;

    /// <summary>The token of the 'wakeup all' page-ready that follows enabling async #PF (~0u, arch/x86/kvm/x86.c).</summary>
    public const uint WakeupAllToken = 0xffff_ffff;

    /// <summary>Written by the host with a 'page not present' #PF: <see cref="ReasonPageNotPresent"/>.</summary>
    [FieldOffset(FlagsOffset)] public uint Flags;

    /// <summary>Written by the host before a 'page ready' interrupt; the guest zeroes it to free the slot.</summary>
    [FieldOffset(TokenOffset)] public uint Token;
}
