using Vmspec.Runtime.AsyncPf.Protocol;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>A fault workload: the guest touches pages that are missing on the host.</summary>
public sealed record FaultWorkload(ulong EnableValue, int Cpl, bool InterruptsEnabled);

/// <summary>Whether the faults of a workload arrive as async #PF events, and why.</summary>
public sealed record DeliveryPrediction(bool Delivered, IReadOnlyList<HostRule> Because);

/// <summary>
/// Predicts whether KVM delivers 'page not present' / 'page ready' for a workload. When it does,
/// every missing page gives one of each with the same token; when not, the access simply waits.
/// </summary>
public static class DeliveryOracle
{
    /// <param name="cpl0IsEmulated">true on kvm_pvm, where CPL0 guest code runs in KVM's emulator.</param>
    public static DeliveryPrediction Predict(FaultWorkload workload, bool cpl0IsEmulated)
    {
        var bits = AsyncPfEnable.Bits(workload.EnableValue);
        if (!workload.InterruptsEnabled)
            return new(false, [HostRules.AsyncFaultNeedsInterruptsAllowed]);
        if (!bits.HasFlag(AsyncPfEnableBits.Enabled) || !bits.HasFlag(AsyncPfEnableBits.DeliveryAsInt))
            return new(false, [HostRules.EnEnabledNeedsIntDelivery]);
        if (workload.Cpl == 0 && !bits.HasFlag(AsyncPfEnableBits.SendAlways))
            return new(false, [HostRules.NotPresentNeedsCpl3OrSendAlways]);
        if (workload.Cpl == 0 && cpl0IsEmulated)
            return new(false, [HostRules.PvmEmulatesCpl0]);
        return new(true, [HostRules.NotPresentWritesFlagsAndCr2, HostRules.PageReadyWritesTokenAndRaisesVector]);
    }
}
