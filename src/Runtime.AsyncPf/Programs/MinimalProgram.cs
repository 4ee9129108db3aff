using Vmspec.Runtime.Selftesting;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// <c>minimal</c>: the guest reads CPUID 0x40000001 and reports EAX (the runtime's selftest guest); the host
/// checks the guest sees exactly the PV features the runtime set with KVM_SET_CPUID2 (after the case's edits).
/// </summary>
public sealed class MinimalProgram() : GeneratedProgram(TestProgram.Minimal)
{
    public static MinimalProgram Instance { get; } = new();

    public override bool SpeaksAsyncPf => false;

    public override GuestSetup Build(VmPlan plan, GuestLayout layout) => new(MinimalGuest.Build(layout), null, []);

    public override IEnumerable<Check> Verify(ProgramRun run) => Verify(run.Run, run.Vm.Cpuid!.PvFeatures);

    public static IReadOnlyList<Check> Verify(RunResult run, uint pvFeaturesSet)
    {
        ulong? seen = run.Reports.Where(r => r.Kind == MinimalGuest.KvmFeaturesReport).Select(r => (ulong?)r.Value).FirstOrDefault();
        return
        [
            Check.Compare("guest sees exactly the CPUID set: 0x40000001 EAX", $"0x{pvFeaturesSet:x}",
                seen is { } value ? $"0x{value:x}" : "not reported"),
        ];
    }
}
