using Vmspec.Abi.Kvm;
using Vmspec.Runtime.AsyncPf.Evidence;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// A guest vmspec generates: the program decides the guest's code, the memory it needs and the checks of its run;
/// <see cref="CaseRunner"/> does the rest alike for each (machine, VM, vCPU thread, ABI canary, stated expectations).
/// </summary>
public abstract class GeneratedProgram(TestProgram program) : ICaseProgram
{
    public string Name { get; } = TestPrograms.Name(program);

    /// <summary>The guest speaks the async #PF protocol: its data areas carry the ABI canary and its events are counted.</summary>
    public virtual bool SpeaksAsyncPf => true;

    /// <summary>The host's KVM trace events of the vCPU thread are recorded for <see cref="Verify"/>.</summary>
    public virtual bool Traced => false;

    /// <exception cref="ArgumentException">This program cannot run the plan (the message names the field).</exception>
    public abstract GuestSetup Build(VmPlan plan, GuestLayout layout);

    /// <summary>Called once the VM exists, before the guest starts.</summary>
    public virtual void BeforeRun(VmPlan plan, KvmFlavour flavour, OracleHost host, Vm vm)
    {
    }

    /// <summary>The run as the checks see it: a program whose guest defers reports adds them here from guest memory.</summary>
    public virtual RunResult AfterRun(Vm vm, RunResult run) => run;

    public abstract IEnumerable<Check> Verify(ProgramRun run);

    public CaseResult Run(VmPlan plan, HostReport host, string specDirectory) => CaseRunner.Run(plan, this, host);
}

/// <summary>
/// What a generated program needs of the machine: its code, the userfaultfd region whose pages start missing (if
/// any), and the async #PF data areas whose canary proves the 64-byte ABI.
/// </summary>
public sealed record GuestSetup(GuestProgram Program, UserfaultRegion? Userfault, IReadOnlyList<ulong> DataAreas);

/// <summary>A userfaultfd slot: where, how large, and how long the host waits before resolving each fault.</summary>
public sealed record UserfaultRegion(ulong Base, ulong Size, TimeSpan ResolveDelay);

/// <summary>One finished run of a generated guest, as its program's checks see it.</summary>
public sealed record ProgramRun(VmPlan Plan, HostIdentity Identity, OracleHost Host, Vm Vm, RunResult Run, GuestObservations Observed,
    KvmTraceRecord? Trace, string? TraceUnavailable)
{
    public KvmFlavour Flavour => Identity.Flavour;

    /// <summary>The case's expectations with this host's <c>when</c> overrides applied.</summary>
    public Expectations Expected => Plan.Expect.For(Identity);
}
