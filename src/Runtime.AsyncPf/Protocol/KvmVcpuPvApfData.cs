using System.Runtime.InteropServices;

namespace Vmspec.Runtime.AsyncPf.Protocol;

/// <summary>
/// <c>struct kvm_vcpu_pv_apf_data</c> as Linux 6.9 defines it: one 64-byte cache line. Before 6.9 a
/// guest-only <c>u32 enabled</c> followed at offset 64 (68 bytes); the host never read it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct KvmVcpuPvApfData
{
    public const int Size = 64;
    public const int FlagsOffset = 0;
    public const int TokenOffset = 4;
    public const int PadOffset = 8;
    public const int PadLength = 56;

    /// <summary>Written by the host with a 'page not present' #PF: KVM_PV_REASON_PAGE_NOT_PRESENT.</summary>
    [FieldOffset(FlagsOffset)] public uint Flags;

    /// <summary>Written by the host before a 'page ready' interrupt; the guest zeroes it to free the slot.</summary>
    [FieldOffset(TokenOffset)] public uint Token;
}
