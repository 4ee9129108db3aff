using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>Whether the faults of a workload arrive as async #PF events, and why.</summary>
public sealed record DeliveryPrediction(bool Delivered, IReadOnlyList<HostRule> Because);

/// <summary>
/// Predicts whether KVM delivers 'page not present' / 'page ready' for a workload. When it does,
/// every missing page gives one of each with the same token; when not, the access simply waits.
/// </summary>
public static class DeliveryOracle
{
    /// <param name="cpl0IsEmulated">true on kvm_pvm, where CPL0 guest code runs in KVM's emulator.</param>
    /// <param name="enableValue">the MSR_KVM_ASYNC_PF_EN value the guest wrote</param>
    public static DeliveryPrediction Predict(ulong enableValue, FaultWorkload workload, bool cpl0IsEmulated)
    {
        var bits = AsyncPfEn.Flags(enableValue);
        if (!workload.InterruptsEnabled)
            return new(false, [HostRules.AsyncFaultNeedsInterruptsAllowed]);
        if (!bits.HasFlag(AsyncPfEnFlags.Enabled) || !bits.HasFlag(AsyncPfEnFlags.DeliveryAsInt))
            return new(false, [HostRules.EnEnabledNeedsIntDelivery]);
        if (workload.Cpl == 0 && !bits.HasFlag(AsyncPfEnFlags.SendAlways))
            return new(false, [HostRules.NotPresentNeedsCpl3OrSendAlways]);
        if (workload.Cpl == 0 && cpl0IsEmulated)
            return new(false, [HostRules.PvmEmulatesCpl0]);
        return new(true, [HostRules.NotPresentWritesFlagsAndCr2, HostRules.PageReadyWritesTokenAndRaisesVector]);
    }
}
