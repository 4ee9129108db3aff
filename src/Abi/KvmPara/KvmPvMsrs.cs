namespace Vmspec.Abi.KvmPara;

/// <summary>
/// The async #PF MSRs (arch/x86/include/uapi/asm/kvm_para.h; Documentation/virt/kvm/x86/msr.rst), with the
/// header's name and the kebab-case name specs use.
/// </summary>
public static class KvmPvMsrs
{
    /// <summary>MSR_KVM_ASYNC_PF_EN: the data area's GPA and the <see cref="AsyncPfEnFlags"/>.</summary>
    public const uint AsyncPfEn = 0x4b56_4d02;

    /// <summary>MSR_KVM_ASYNC_PF_INT: the 'page ready' vector.</summary>
    public const uint AsyncPfInt = 0x4b56_4d06;

    /// <summary>MSR_KVM_ASYNC_PF_ACK: written 1 when the guest has consumed a 'page ready' token.</summary>
    public const uint AsyncPfAck = 0x4b56_4d07;

    public static IReadOnlyList<(uint Index, string HeaderName, string SpecName)> All { get; } =
    [
        (AsyncPfEn, "MSR_KVM_ASYNC_PF_EN", "async-pf-en"),
        (AsyncPfInt, "MSR_KVM_ASYNC_PF_INT", "async-pf-int"),
        (AsyncPfAck, "MSR_KVM_ASYNC_PF_ACK", "async-pf-ack"),
    ];

    public static uint? BySpecName(string name) =>
        All.FirstOrDefault(m => m.SpecName == name) is { SpecName: not null } found ? found.Index : null;

    /// <summary>The header's name, or <c>MSR 0x...</c> for any other index.</summary>
    public static string Describe(uint index) =>
        All.FirstOrDefault(m => m.Index == index) is { HeaderName: not null } found ? found.HeaderName : $"MSR 0x{index:x}";
}
