using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>One interrupt a guest takes while it waits: the vector and the token its handler found at offset 4 (0: slot empty).</summary>
public sealed record PredictedInterrupt(byte Vector, uint Token)
{
    /// <summary><c>0xffffffff on 0xec</c>, as the guest's reported interrupts read.</summary>
    public override string ToString() => $"0x{Token:x} on 0x{Vector:x2}";
}

/// <summary>What one wait (interrupts on, spin, off) sees, and the rules applied since the wait before it.</summary>
public sealed record WaitPrediction(IReadOnlyList<PredictedInterrupt> Interrupts, IReadOnlyList<HostRule> Because)
{
    /// <summary>A page-ready arrives: an interrupt whose handler found a token (only those end the guest's spin).</summary>
    public bool PageReady => Interrupts.Any(i => i.Token != 0);
}

/// <summary>
/// KVM's 'page ready' side of a guest that takes no faults, so every page-ready is a wakeup-all: the done list
/// (async_pf.done), the token at offset 4 of each data area, the LAPIC's IRR, together with the generated guests' fixed
/// page-ready handler (read the token at offset 4 of the area of its last accepted enabling write; if non-zero: zero it,
/// EOI, WRMSR ACK = 1; else only EOI). The LAPIC is software-enabled before the first access and TPR stays 0, so the
/// PPR is 0 whenever the guest waits.
/// </summary>
internal sealed class PageReadyQueue
{
    private const int FirstInjectableVector = 16;

    private readonly SortedSet<byte> _irr = [];
    private readonly Dictionary<ulong, uint> _tokens = [];
    private readonly List<HostRule> _since = [];
    private int _queued;
    private bool _enabled;
    private ulong? _kvmArea;
    private ulong? _guestArea;
    private byte _vector;

    /// <summary>Wakeup-alls the guest's handler consumed (found 0xffffffff at offset 4).</summary>
    public int WakeupAllsTaken { get; private set; }

    /// <summary>The token at offset 4 of the guest's data area; null when the guest never recorded one.</summary>
    public uint? SlotToken => _guestArea is { } area ? Token(area) : null;

    /// <summary>IRR bits 32n+31:32n, what RDMSR of x2APIC register 0x820+n returns.</summary>
    public ulong IrrWord(int n) => _irr.Where(v => v / 32 == n).Aggregate(0UL, (word, v) => word | 1UL << (v % 32));

    /// <summary>MSR_KVM_ASYNC_PF_INT accepted: later page-readies raise this vector.</summary>
    public void SetVector(byte vector) => _vector = vector;

    /// <summary>
    /// An accepted enabling write: KVM's data area moves to <paramref name="gpa"/> (and the guest's, which records it),
    /// a wakeup-all is queued unless one still is, and KVM_REQ_APF_READY rescans before the guest runs again.
    /// </summary>
    /// <returns>Whether a wakeup-all was queued.</returns>
    public bool Enable(ulong gpa)
    {
        _enabled = true;
        _kvmArea = gpa;
        _guestArea = gpa;
        if (_queued > 0)
        {
            _since.Add(HostRules.WakeupAllOnlyOnEmptyQueue);
            return false;
        }
        _queued++;
        _since.Add(HostRules.EnQueuesWakeupAll);
        Rescan();
        return true;
    }

    /// <summary>An enabling value stored whose data area failed the memslot check: enabled, with no area to write to.</summary>
    public void EnableWithoutArea()
    {
        _enabled = true;
        _kvmArea = null;
    }

    /// <summary>A stored value that leaves async #PF disabled: the queue is dropped; IRR and slots stay.</summary>
    public void Disable()
    {
        _enabled = false;
        if (_queued > 0)
            _since.Add(HostRules.DisableDropsQueue);
        _queued = 0;
    }

    /// <summary>An accepted write of MSR_KVM_ASYNC_PF_ACK: only bit 0 rescans.</summary>
    public void Ack(ulong value)
    {
        if ((value & 1) != 0)
            Rescan();
    }

    /// <summary>
    /// The guest turns interrupts on and spins: every vector in the IRR whose class exceeds the PPR (0) is injected, the
    /// highest first, and the handler's ACK may raise the next before the guest's spin ends.
    /// </summary>
    public WaitPrediction Wait()
    {
        var taken = new List<PredictedInterrupt>();
        while (_irr.Count > 0 && _irr.Max >= FirstInjectableVector)
        {
            byte vector = _irr.Max;
            _irr.Remove(vector);
            _since.Add(HostRules.InjectedOnceInterruptsOn);
            uint token = _guestArea is { } area ? Token(area) : 0;
            taken.Add(new PredictedInterrupt(vector, token));
            if (token == 0)
                continue;
            _tokens[_guestArea!.Value] = 0;
            if (token == KvmVcpuPvApfData.WakeupAllToken)
                WakeupAllsTaken++;
            _since.Add(HostRules.AckAcceptsAnyValue);
            Ack(1);
        }
        if (_irr.Count > 0)
            _since.Add(HostRules.VectorBelowSixteenNeverInjected);
        if (_since.Count == 0)
            _since.Add(HostRules.PageReadyWritesTokenAndRaisesVector);
        var prediction = new WaitPrediction(taken, _since.Distinct().ToArray());
        _since.Clear();
        return prediction;
    }

    private void Rescan()
    {
        _since.Add(HostRules.QueueRescans);
        while (_queued > 0 && CanDequeue())
        {
            _queued--;
            Present();
        }
        if (_queued > 0)
            _since.Add(HostRules.PageReadyWaitsForFreeSlot);
    }

    /// <summary>kvm_arch_can_dequeue_async_page_present: anything while disabled, else only into a free slot.</summary>
    private bool CanDequeue() => !_enabled || _kvmArea is { } area && Token(area) == 0;

    /// <summary>kvm_arch_async_page_present for a wakeup-all: token ~0 at offset 4 and the vector into the IRR, if enabled.</summary>
    private void Present()
    {
        if (!_enabled || _kvmArea is not { } area)
            return;
        _tokens[area] = KvmVcpuPvApfData.WakeupAllToken;
        _irr.Add(_vector);
        _since.Add(HostRules.PageReadyWritesTokenAndRaisesVector);
    }

    private uint Token(ulong area) => _tokens.GetValueOrDefault(area);
}
