namespace Vmspec.Abi.KvmPara;

/// <summary>The flag bits 3:0 of MSR_KVM_ASYNC_PF_EN: KVM_ASYNC_PF_* in arch/x86/include/uapi/asm/kvm_para.h.</summary>
[Flags]
public enum AsyncPfEnFlags : ulong
{
    None = 0,
    /// <summary>KVM_ASYNC_PF_ENABLED.</summary>
    Enabled = 1 << 0,
    /// <summary>KVM_ASYNC_PF_SEND_ALWAYS: 'page not present' may be delivered at CPL0.</summary>
    SendAlways = 1 << 1,
    /// <summary>KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT: for nested guests.</summary>
    DeliveryAsPfVmexit = 1 << 2,
    /// <summary>KVM_ASYNC_PF_DELIVERY_AS_INT: 'page ready' as an interrupt on MSR_KVM_ASYNC_PF_INT's vector.</summary>
    DeliveryAsInt = 1 << 3,
}

/// <summary>Building and splitting MSR_KVM_ASYNC_PF_EN values (arch/x86/kvm/x86.c, kvm_pv_enable_async_pf).</summary>
public static class AsyncPfEn
{
    /// <summary>The flag names specs and plans use, in bit order.</summary>
    public static IReadOnlyList<KeyValuePair<string, AsyncPfEnFlags>> FlagNames { get; } =
    [
        new("enabled", AsyncPfEnFlags.Enabled),
        new("send-always", AsyncPfEnFlags.SendAlways),
        new("delivery-as-pf-vmexit", AsyncPfEnFlags.DeliveryAsPfVmexit),
        new("delivery-as-int", AsyncPfEnFlags.DeliveryAsInt),
    ];

    /// <summary>Bits 3:0 hold <see cref="AsyncPfEnFlags"/>.</summary>
    public const ulong FlagMask = 0xf;

    /// <summary>Bits 5:4, reserved: KVM refuses a write with either set with #GP.</summary>
    public const ulong ReservedBits = 0x30;

    /// <summary>The low 6 bits are flags, so the data area's GPA is 64-byte aligned.</summary>
    public const ulong GpaMask = ~0x3fUL;

    public static ulong Value(ulong dataGpa, AsyncPfEnFlags flags) => (dataGpa & GpaMask) | (ulong)flags;

    public static ulong Gpa(ulong value) => value & GpaMask;

    public static AsyncPfEnFlags Flags(ulong value) => (AsyncPfEnFlags)(value & FlagMask);
}
