using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.Cpuid;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>
/// Predicts KVM's answer to each guest access of MSR_KVM_ASYNC_PF_EN/_INT/_ACK, in order: it keeps
/// the values KVM stores, since reads return them. Follows the code where msr.rst is silent or differs.
/// </summary>
public sealed class EnableProtocolOracle(OracleHost host)
{
    private ulong _enable;
    private ulong _interrupt;

    /// <summary>The number of 'wakeup all' page-ready events the accesses so far have queued.</summary>
    public int WakeupAllQueued { get; private set; }

    public bool AsyncPfEnabled => IsEnabled(_enable);

    /// <summary>The MSR_KVM_ASYNC_PF_EN value KVM holds after the accesses so far (what RDMSR returns).</summary>
    public ulong StoredEnable => _enable;

    /// <summary>The MSR_KVM_ASYNC_PF_INT value KVM holds after the accesses so far.</summary>
    public ulong StoredInterrupt => _interrupt;

    public MsrPrediction Predict(MsrAccess access)
    {
        var prediction = (access.Msr, access.Operation) switch
        {
            (AsyncPfMsrs.Enable, MsrOperation.Write) => WriteEnable(access.Value),
            (AsyncPfMsrs.Enable, MsrOperation.Read) => Gate(KvmPvFeature.AsyncPf, HostRules.EnableGatedByAsyncPf)
                ?? MsrPrediction.Reads(_enable, HostRules.EnStoredBeforeMemoryCheck),
            (AsyncPfMsrs.Interrupt, MsrOperation.Write) => WriteInterrupt(access.Value),
            (AsyncPfMsrs.Interrupt, MsrOperation.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.IntGatedByAsyncPfInt)
                ?? MsrPrediction.Reads(_interrupt, HostRules.IntStoredAsWritten),
            (AsyncPfMsrs.Acknowledge, MsrOperation.Write) => Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt)
                ?? MsrPrediction.Accepted(HostRules.AckAcceptsAnyValue),
            (AsyncPfMsrs.Acknowledge, MsrOperation.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt)
                ?? MsrPrediction.Reads(0, HostRules.AckReadsZero),
            _ => throw new ArgumentException($"the oracle knows only the async #PF MSRs, not {AsyncPfMsrs.Name(access.Msr)}", nameof(access)),
        };
        if (prediction.QueuesWakeupAll)
            WakeupAllQueued++;
        return prediction;
    }

    private MsrPrediction WriteEnable(ulong value)
    {
        if (Gate(KvmPvFeature.AsyncPf, HostRules.EnableGatedByAsyncPf) is { } gated)
            return gated;
        if ((value & AsyncPfEnable.ReservedBits) != 0)
            return MsrPrediction.Fault(HostRules.EnReservedBits);
        var bits = AsyncPfEnable.Bits(value);
        if (bits.HasFlag(AsyncPfEnableBits.DeliveryAsPfVmexit) && !host.Has(KvmPvFeature.AsyncPfVmexit))
            return MsrPrediction.Fault(HostRules.EnVmexitNeedsFeature);
        if (bits.HasFlag(AsyncPfEnableBits.DeliveryAsInt) && !host.Has(KvmPvFeature.AsyncPfInt))
            return MsrPrediction.Fault(HostRules.EnIntNeedsFeature);
        if (!host.InKernelLapic)
            return value == 0 ? MsrPrediction.Accepted(HostRules.EnNeedsInKernelLapic) : MsrPrediction.Fault(HostRules.EnNeedsInKernelLapic);
        _enable = value;
        if (!IsEnabled(value))
            return MsrPrediction.Accepted(HostRules.EnStoredBeforeMemoryCheck, HostRules.EnEnabledNeedsIntDelivery);
        if (!host.IsRam(AsyncPfEnable.Gpa(value), sizeof(ulong)))
            return MsrPrediction.Fault(HostRules.EnStoredBeforeMemoryCheck, HostRules.EnDataMustBeWritableRam);
        return new MsrPrediction(false, null, true, [HostRules.EnDataMustBeWritableRam, HostRules.EnQueuesWakeupAll]);
    }

    private MsrPrediction WriteInterrupt(ulong value)
    {
        if (Gate(KvmPvFeature.AsyncPfInt, HostRules.IntGatedByAsyncPfInt) is { } gated)
            return gated;
        if (value >> 8 != 0)
            return MsrPrediction.Fault(HostRules.IntReservedBits);
        if (!host.InKernelLapic)
            return MsrPrediction.Fault(HostRules.IntNeedsInKernelLapic);
        _interrupt = value;
        return MsrPrediction.Accepted(HostRules.IntStoredAsWritten);
    }

    private MsrPrediction? Gate(KvmPvFeature feature, HostRule rule) =>
        host.Has(feature) ? null : MsrPrediction.Fault(rule);

    private static bool IsEnabled(ulong value)
    {
        const AsyncPfEnableBits mask = AsyncPfEnableBits.Enabled | AsyncPfEnableBits.DeliveryAsInt;
        return (AsyncPfEnable.Bits(value) & mask) == mask;
    }
}
