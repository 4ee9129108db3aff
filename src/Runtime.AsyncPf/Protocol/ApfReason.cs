namespace Vmspec.Runtime.AsyncPf.Protocol;

/// <summary>Values KVM writes into <c>struct kvm_vcpu_pv_apf_data</c>.</summary>
public static class ApfReason
{
    /// <summary>KVM_PV_REASON_PAGE_NOT_PRESENT, written to <c>flags</c> with a 'page not present' #PF.</summary>
    public const uint PageNotPresent = 1;

    /// <summary>The token of the 'wakeup all' page-ready that follows enabling async #PF (~0u).</summary>
    public const uint WakeupAllToken = 0xffffffff;
}
