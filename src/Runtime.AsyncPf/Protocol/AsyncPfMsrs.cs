namespace Vmspec.Runtime.AsyncPf.Protocol;

/// <summary>The synthetic MSRs of the async #PF protocol (arch/x86/include/uapi/asm/kvm_para.h).</summary>
public static class AsyncPfMsrs
{
    public const uint Enable = 0x4b564d02;    // MSR_KVM_ASYNC_PF_EN
    public const uint Interrupt = 0x4b564d06; // MSR_KVM_ASYNC_PF_INT
    public const uint Acknowledge = 0x4b564d07; // MSR_KVM_ASYNC_PF_ACK

    public static string Name(uint index) => index switch
    {
        Enable => "MSR_KVM_ASYNC_PF_EN",
        Interrupt => "MSR_KVM_ASYNC_PF_INT",
        Acknowledge => "MSR_KVM_ASYNC_PF_ACK",
        _ => $"MSR 0x{index:x}",
    };
}
