using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.Cpuid;
using Vmspec.SpecCompiler.Model;
using PlanAccess = Vmspec.SpecCompiler.Model.MsrAccess;
using PlanExpectation = Vmspec.SpecCompiler.Model.AccessExpectation;
using PlanRegister = Vmspec.SpecCompiler.Model.CpuidRegister;
using RuntimeAccess = Vmspec.Runtime.AsyncPf.Oracle.MsrAccess;

namespace Vmspec.Cli.Verification;

/// <summary>Turns a compiled plan of a generated test guest into the runner's case definition.</summary>
internal static class PlanToCase
{
    public static CaseDefinition Map(VmPlan plan, TestGuestPlan guest) => new(
        plan.Name,
        guest.Program switch
        {
            TestProgram.Minimal => CaseProgram.Minimal,
            TestProgram.MsrProtocol => CaseProgram.MsrProtocol,
            _ => CaseProgram.AsyncPf,
        },
        new MachineDefinition(plan.Machine.MemoryBytes, plan.Machine.EnforcePvFeatureCpuid, CpuidEdits(plan.Cpuid)),
        guest.Accesses.Select(Access).ToList(),
        plan.AsyncPf is { } asyncPf ? AsyncPf(asyncPf) : null,
        Events(plan.Expect.Hardware),
        Events(plan.Expect.KvmPvm),
        TimeSpan.FromMilliseconds(plan.TimeoutMs));

    internal static IReadOnlyList<CpuidEdit> CpuidEdits(CpuidPlan cpuid)
    {
        var edits = new List<CpuidEdit>();
        foreach (var feature in cpuid.KvmFeatures)
        {
            if (feature.Mode == FeatureMode.Set)
                edits.Add(CpuidEdit.SetPvFeature((KvmPvFeature)feature.Bit));
            else if (feature.Mode == FeatureMode.Clear)
                edits.Add(CpuidEdit.ClearPvFeature((KvmPvFeature)feature.Bit));
        }
        // A modifier means reg = (reg & ~Mask) | Value: set the masked ones, clear the masked zeros.
        foreach (var modifier in cpuid.Modifiers)
            edits.Add(new CpuidEdit(modifier.Leaf, modifier.Subleaf, Register(modifier.Register),
                modifier.Value & modifier.Mask, modifier.Mask & ~modifier.Value));
        return edits;
    }

    private static Runtime.Cpuid.CpuidRegister Register(PlanRegister register) => register switch
    {
        PlanRegister.Eax => Runtime.Cpuid.CpuidRegister.Eax,
        PlanRegister.Ebx => Runtime.Cpuid.CpuidRegister.Ebx,
        PlanRegister.Ecx => Runtime.Cpuid.CpuidRegister.Ecx,
        _ => Runtime.Cpuid.CpuidRegister.Edx,
    };

    private static ProtocolAccess Access(PlanAccess access) => new(
        access.Op == MsrOp.Read ? RuntimeAccess.Read(access.Msr) : RuntimeAccess.Write(access.Msr, access.Value ?? 0),
        access.Expect switch
        {
            PlanExpectation.Accept => Runtime.AsyncPf.Cases.AccessExpectation.Accept,
            PlanExpectation.Gp => Runtime.AsyncPf.Cases.AccessExpectation.GeneralProtection,
            _ => Runtime.AsyncPf.Cases.AccessExpectation.Oracle,
        },
        access.ReadBack);

    private static AsyncPfSetup AsyncPf(AsyncPfPlan plan) => new(
        plan.Vector,
        plan.EnValue,
        plan.Workload is { } workload
            ? new FaultWorkloadDefinition((int)workload.Pages, TimeSpan.FromMilliseconds(workload.ResolveDelayMs),
                workload.Cpl, workload.InterruptsEnabled)
            : null);

    private static EventExpectation Events(Expectations expectations) => new(
        (int?)expectations.Events.PageNotPresent,
        (int?)expectations.Events.PageReady,
        (int?)expectations.Events.WakeupAll,
        expectations.Events.TokensPaired,
        expectations.Events.Vector,
        expectations.Abi.CanaryIntact);
}
