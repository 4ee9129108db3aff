using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// <c>async-pf</c>: the guest enables async #PF and touches the pages of a userfaultfd slot (<see cref="AsyncPfGuest"/>),
/// the host judges the deliveries, the handshake and KVM's trace events (<see cref="AsyncPfChecks"/>,
/// <see cref="TraceChecks"/>). When delivery is expected the slot holds each missing page until the guest's #PF
/// handler releases it, for at most <see cref="CaseRunner.HoldBound"/>.
/// </summary>
public sealed class AsyncPfProgram() : GeneratedProgram(TestProgram.AsyncPf)
{
    private const ulong TwoMiB = 0x20_0000;
    private const ulong PrototypeSlotBase = 0x40_0000;

    public static AsyncPfProgram Instance { get; } = new();

    public override bool Traced => true;

    /// <summary>The userfaultfd slot is 2 MiB-aligned above RAM, at or above 4 MiB as in the prototype.</summary>
    public override GuestSetup Build(VmPlan plan, GuestLayout layout)
    {
        var setup = plan.AsyncPf ?? throw new ArgumentException("asyncPf: the async-pf guest needs an asyncPf section");
        var workload = setup.Workload ?? throw new ArgumentException("asyncPf.workload: the async-pf guest needs a fault workload");
        ulong slotBase = Math.Max(PrototypeSlotBase, (layout.RamSize + TwoMiB - 1) / TwoMiB * TwoMiB);
        ulong slotSize = Math.Max(workload.Pages, 1u) * (ulong)AsyncPfGuest.PageSize;
        if (slotBase + slotSize > layout.IdentityMapSize)
            throw new ArgumentException($"asyncPf.workload.pages {workload.Pages}: the slot would end beyond the identity map");
        return new GuestSetup(AsyncPfGuest.Build(layout, setup, slotBase), new UserfaultRegion(slotBase, slotSize, workload.ResolveDelay),
            setup.EnValue != 0 ? [AsyncPfEn.Gpa(setup.EnValue)] : []);
    }

    public override void BeforeRun(VmPlan plan, KvmFlavour flavour, OracleHost host, Vm vm)
    {
        if (AsyncPfChecks.ExpectDelivery(plan.AsyncPf!, flavour, host).Delivered && vm.UserfaultSlot is { } slot)
            slot.HoldUntilReleased(CaseRunner.HoldBound(plan.Timeout));
    }

    /// <summary>The guest's per-fault observations, recorded in its <see cref="ReportLog"/> rather than sent, become reports.</summary>
    public override RunResult AfterRun(Vm vm, RunResult run) => DeferredReports.Merge(run, vm);

    public override IEnumerable<Check> Verify(ProgramRun run)
    {
        var setup = run.Plan.AsyncPf!;
        var slot = run.Vm.UserfaultSlot;
        var input = new AsyncPfRun(setup, run.Flavour, run.Host, run.Run, slot?.Events ?? [], slot?.HoldBound);
        var checks = new List<Check>(AsyncPfChecks.Verify(input, run.Observed));
        bool delivered = AsyncPfChecks.ExpectDelivery(setup, run.Flavour, run.Host).Delivered;
        checks.AddRange(TraceChecks.Compare(run.Trace, run.TraceUnavailable, delivered, run.Observed));
        if (slot?.Failure is { } resolverFailure)
            checks.Add(new Check("userfaultfd resolver", Outcome.Failed, "no error", resolverFailure.Message));
        return checks;
    }
}
