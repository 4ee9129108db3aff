using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>
/// Predicts KVM's answer to each guest access of MSR_KVM_ASYNC_PF_EN/_INT/_ACK (and of the x2APIC IRR), in order: it
/// keeps the values KVM stores, since reads return them, and the page-ready queue (<see cref="PageReadyQueue"/>), so
/// that <see cref="Wait"/> says what the guest sees when it turns interrupts on. Follows the code where msr.rst is
/// silent or differs.
/// </summary>
public sealed class EnableProtocolOracle(OracleHost host)
{
    /// <summary>x2APIC MSR of IRR bits 31:0 (0x820); 0x821-0x827 hold the next 32 vectors each.</summary>
    private const uint X2ApicIrr = 0x820;

    private readonly PageReadyQueue _queue = new();
    private ulong _enable;
    private ulong _interrupt;

    /// <summary>The number of 'wakeup all' page-ready events the guest's handler has consumed in the waits so far.</summary>
    public int WakeupAllsTaken => _queue.WakeupAllsTaken;

    /// <summary>The token at offset 4 of the guest's data area now; null while the guest has recorded none.</summary>
    public uint? SlotToken => _queue.SlotToken;

    public bool AsyncPfEnabled => IsEnabled(_enable);

    /// <summary>The MSR_KVM_ASYNC_PF_EN value KVM holds after the accesses so far (what RDMSR returns).</summary>
    public ulong StoredEnable => _enable;

    /// <summary>The MSR_KVM_ASYNC_PF_INT value KVM holds after the accesses so far.</summary>
    public ulong StoredInterrupt => _interrupt;

    public MsrPrediction Predict(MsrAccess access) => (access.Msr, access.Op) switch
    {
        (KvmPvMsrs.AsyncPfEn, MsrOp.Write) => WriteEnable(access.Value ?? 0),
        (KvmPvMsrs.AsyncPfEn, MsrOp.Read) => Gate(KvmPvFeature.AsyncPf, HostRules.EnableGatedByAsyncPf)
            ?? MsrPrediction.Reads(_enable, HostRules.EnStoredBeforeMemoryCheck),
        (KvmPvMsrs.AsyncPfInt, MsrOp.Write) => WriteInterrupt(access.Value ?? 0),
        (KvmPvMsrs.AsyncPfInt, MsrOp.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.IntGatedByAsyncPfInt)
            ?? MsrPrediction.Reads(_interrupt, HostRules.IntStoredAsWritten),
        (KvmPvMsrs.AsyncPfAck, MsrOp.Write) => WriteAck(access.Value ?? 0),
        (KvmPvMsrs.AsyncPfAck, MsrOp.Read) => Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt)
            ?? MsrPrediction.Reads(0, HostRules.AckReadsZero),
        (>= X2ApicIrr and < X2ApicIrr + 8, MsrOp.Read) => MsrPrediction.Reads(_queue.IrrWord((int)(access.Msr - X2ApicIrr)), HostRules.X2ApicIrrRead),
        _ => throw new ArgumentException($"the oracle knows only the async #PF MSRs and reads of the x2APIC IRR, not {access}", nameof(access)),
    };

    /// <summary>
    /// The guest turns interrupts on and spins until a page-ready arrives (or its bound runs out), then turns them off:
    /// which interrupts it takes, given the accesses so far.
    /// </summary>
    public WaitPrediction Wait() => _queue.Wait();

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
        {
            _queue.Disable();
            return MsrPrediction.Accepted(HostRules.EnStoredBeforeMemoryCheck, HostRules.EnEnabledNeedsIntDelivery);
        }
        if (!host.IsRam(AsyncPfEn.Gpa(value), sizeof(ulong)))
        {
            _queue.EnableWithoutArea();
            return MsrPrediction.Fault(HostRules.EnStoredBeforeMemoryCheck, HostRules.EnDataMustBeWritableRam);
        }
        bool queued = _queue.Enable(AsyncPfEn.Gpa(value));
        return new MsrPrediction(false, null, queued,
            [HostRules.EnDataMustBeWritableRam, queued ? HostRules.EnQueuesWakeupAll : HostRules.WakeupAllOnlyOnEmptyQueue]);
    }

    private MsrPrediction WriteAck(ulong value)
    {
        if (Gate(KvmPvFeature.AsyncPfInt, HostRules.AckGatedByAsyncPfInt) is { } gated)
            return gated;
        _queue.Ack(value);
        return MsrPrediction.Accepted(HostRules.AckAcceptsAnyValue);
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
        _queue.SetVector((byte)value);
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
