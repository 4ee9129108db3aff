namespace Vmspec.SpecCompiler.Language;

/// <summary>Flag bits 3:0 of MSR_KVM_ASYNC_PF_EN; bits 63:6 hold the 64-byte aligned data GPA.</summary>
[Flags]
public enum AsyncPfEnFlags : ulong
{
    None = 0,
    Enabled = 1 << 0,
    SendAlways = 1 << 1,
    DeliveryAsPfVmexit = 1 << 2,
    DeliveryAsInt = 1 << 3,
}

public static class AsyncPfEn
{
    /// <summary>The data area is one 64-byte cache line (struct kvm_vcpu_pv_apf_data since 6.9).</summary>
    public const ulong DataAreaBytes = 64;

    public static readonly IReadOnlyList<KeyValuePair<string, AsyncPfEnFlags>> FlagNames =
    [
        new("enabled", AsyncPfEnFlags.Enabled),
        new("send-always", AsyncPfEnFlags.SendAlways),
        new("delivery-as-pf-vmexit", AsyncPfEnFlags.DeliveryAsPfVmexit),
        new("delivery-as-int", AsyncPfEnFlags.DeliveryAsInt),
    ];
}
