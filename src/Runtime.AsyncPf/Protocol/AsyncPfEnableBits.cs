namespace Vmspec.Runtime.AsyncPf.Protocol;

/// <summary>The flag bits of MSR_KVM_ASYNC_PF_EN; bits 63:6 hold the 64-byte aligned GPA of the data area.</summary>
[Flags]
public enum AsyncPfEnableBits : ulong
{
    None = 0,
    Enabled = 1 << 0,             // KVM_ASYNC_PF_ENABLED
    SendAlways = 1 << 1,          // KVM_ASYNC_PF_SEND_ALWAYS: may be delivered at CPL0
    DeliveryAsPfVmexit = 1 << 2,  // KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT: for nested guests
    DeliveryAsInt = 1 << 3,       // KVM_ASYNC_PF_DELIVERY_AS_INT: 'page ready' as an interrupt
}

/// <summary>Splitting and building MSR_KVM_ASYNC_PF_EN values.</summary>
public static class AsyncPfEnable
{
    /// <summary>Bits 5:4, reserved: a write with either set is refused with #GP.</summary>
    public const ulong ReservedBits = 0x30;

    /// <summary>The low 6 bits are flags, so only a 64-byte aligned GPA can be expressed.</summary>
    public const ulong GpaMask = ~0x3fUL;

    public static ulong Value(ulong dataGpa, AsyncPfEnableBits bits) =>
        (dataGpa & GpaMask) | (ulong)bits;

    public static ulong Gpa(ulong value) => value & GpaMask;

    public static AsyncPfEnableBits Bits(ulong value) => (AsyncPfEnableBits)(value & 0xf);
}
