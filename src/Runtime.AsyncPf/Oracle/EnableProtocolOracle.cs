using Vmspec.Abi.KvmPara;

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
        var prediction = (access.Msr, access.Op) switch
        {
            (KvmPvMsrs.AsyncPfEn, MsrOp.Write) => WriteEnable(access.Value ?? 0),
            (KvmPvMsrs.AsyncPfEn, MsrOp.Read) => Gate(KvmPvFeature.AsyncPf, HostRules.EnableGatedByAsyncPf)
                ?? MsrPrediction.Reads(_enable, HostRules.EnStoredBeforeMemoryCheck),
            (KvmPvMsrs.AsyncPfInt, MsrOp.Write) => WriteInterrupt(access.Value ?? 0),
            (KvmPvMsrs.AsyncPfInt, MsrOp.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.IntGatedByAsyncPfInt)
                ?? MsrPrediction.Reads(_interrupt, HostRules.IntStoredAsWritten),
            (KvmPvMsrs.AsyncPfAck, MsrOp.Write) => Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt)
                ?? MsrPrediction.Accepted(HostRules.AckAcceptsAnyValue),
            (KvmPvMsrs.AsyncPfAck, MsrOp.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt)
                ?? MsrPrediction.Reads(0, HostRules.AckReadsZero),
            _ => throw new ArgumentException($"the oracle knows only the async #PF MSRs, not {KvmPvMsrs.Describe(access.Msr)}", nameof(access)),
        };
        if (prediction.QueuesWakeupAll)
            WakeupAllQueued++;
        return prediction;
    }

    private MsrPrediction WriteEnable(ulong value)
    {
        if (Gate(KvmPvFeature.AsyncPf, HostRules.EnableGatedByAsyncPf) is { } gated)
            return gated;
        if ((value & AsyncPfEn.ReservedBits) != 0)
            return MsrPrediction.Fault(HostRules.EnReservedBits);
        var bits = AsyncPfEn.Flags(value);
        if (bits.HasFlag(AsyncPfEnFlags.DeliveryAsPfVmexit) && !host.Has(KvmPvFeature.AsyncPfVmexit))
            return MsrPrediction.Fault(HostRules.EnVmexitNeedsFeature);
        if (bits.HasFlag(AsyncPfEnFlags.DeliveryAsInt) && !host.Has(KvmPvFeature.AsyncPfInt))
            return MsrPrediction.Fault(HostRules.EnIntNeedsFeature);
        if (!host.InKernelLapic)
            return value == 0 ? MsrPrediction.Accepted(HostRules.EnNeedsInKernelLapic) : MsrPrediction.Fault(HostRules.EnNeedsInKernelLapic);
        _enable = value;
        if (!IsEnabled(value))
            return MsrPrediction.Accepted(HostRules.EnStoredBeforeMemoryCheck, HostRules.EnEnabledNeedsIntDelivery);
        if (!host.IsRam(AsyncPfEn.Gpa(value), sizeof(ulong)))
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
        const AsyncPfEnFlags mask = AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt;
        return (AsyncPfEn.Flags(value) & mask) == mask;
    }
}
