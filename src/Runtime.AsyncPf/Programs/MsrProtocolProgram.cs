using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// <c>msr-protocol</c>: the guest performs the plan's MSR accesses (<see cref="MsrProtocolGuest"/>); the host judges
/// each against the oracle and KVM's own view after the run (<see cref="MsrProtocolChecks"/>). Every accepted EN
/// write with a GPA names a data area whose canary is checked.
/// </summary>
public sealed class MsrProtocolProgram() : GeneratedProgram(TestProgram.MsrProtocol)
{
    public static MsrProtocolProgram Instance { get; } = new();

    public override GuestSetup Build(VmPlan plan, GuestLayout layout)
    {
        var accesses = Accesses(plan);
        var areas = accesses
            .Where(a => a is { Msr: KvmPvMsrs.AsyncPfEn, Op: MsrOp.Write, Value: > 0 })
            .Select(a => AsyncPfEn.Gpa(a.Value!.Value))
            .ToArray();
        return new GuestSetup(MsrProtocolGuest.Build(layout, accesses), null, areas);
    }

    public override IEnumerable<Check> Verify(ProgramRun run)
    {
        var accesses = Accesses(run.Plan);
        var checks = new List<Check>(MsrProtocolChecks.Verify(accesses, run.Host, run.Run, run.Observed, out var oracle));
        checks.AddRange(MsrProtocolChecks.HostView(accesses, run.Observed, oracle, run.Host, msr => run.Vm.GetMsrs(msr)[0],
            run.Expected.HostReadOfGatedMsr, run.Plan.Expect.SourceOf(run.Identity, e => e.HostReadOfGatedMsr)));
        return checks;
    }

    private static IReadOnlyList<MsrAccess> Accesses(VmPlan plan) =>
        plan.Guest is TestGuestPlan test ? test.Accesses : throw new ArgumentException($"guest: the msr-protocol program runs a test guest, not {plan.Guest.Program}");
}
