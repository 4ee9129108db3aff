using Vmspec.Plans.Hosts;
using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;
using Vmspec.Cli.Commands;
using Vmspec.Cli.Specs;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.Cpuid;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>The checked-in specs compile to plans the runtime side runs as they are: the program registry and CPUID edits.</summary>
public class CompiledPlanTests
{
    private static CompiledCase Case(string name)
    {
        var compiled = SpecInputs.Compile([TestRepository.Specs]);
        return compiled.Cases.Single(c => c.Name == name);
    }

    [Fact]
    public void Fault_case_carries_the_workload_EN_value_and_per_flavour_expectations()
    {
        var plan = Case("faults[variant=cpl0-send-always]").Plan;
        Assert.Same(AsyncPfProgram.Instance, CasePrograms.For(plan.Guest));
        Assert.Equal((byte)0xec, plan.AsyncPf!.Vector);
        Assert.Equal(AsyncPfEn.Value(0x6000, AsyncPfEnFlags.Enabled | AsyncPfEnFlags.SendAlways | AsyncPfEnFlags.DeliveryAsInt), plan.AsyncPf.EnValue);
        Assert.Equal(new FaultWorkload(6, 2, 0, true), plan.AsyncPf.Workload);
        Assert.Equal(6u, plan.Expect.For(new HostIdentity(KvmFlavour.KvmAmd, "6.12.117+deb12-amd64")).Events.PageNotPresent);
        Assert.Equal(0u, plan.Expect.For(new HostIdentity(KvmFlavour.KvmPvm, "6.18.44")).Events.PageNotPresent);
    }

    [Fact]
    public void Protocol_case_maps_features_enforcement_and_every_access_in_order()
    {
        var plan = Case("enable-protocol[en=raw-bit4,enforcement=enforced,features=no-int]").Plan;
        Assert.Same(MsrProtocolProgram.Instance, CasePrograms.For(plan.Guest));
        Assert.True(plan.Machine.EnforcePvFeatureCpuid);
        var edits = CaseCpuid.Edits(plan.Cpuid);
        Assert.Contains(CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt), edits);
        Assert.Contains(CpuidEdit.SetPvFeature(KvmPvFeature.AsyncPf), edits);
        var accesses = ((TestGuestPlan)plan.Guest).Accesses;
        Assert.Equal(9, accesses.Count);
        Assert.Equal(KvmPvMsrs.AsyncPfEn, accesses[3].Msr);
        Assert.Equal(0x6019UL, accesses[3].Value);
        Assert.All(accesses, a => Assert.Equal(AccessExpectation.Oracle, a.Expect));
    }

    [Fact]
    public void Every_guest_of_the_checked_in_specs_has_its_program()
    {
        var programs = SpecInputs.Compile([TestRepository.Specs]).Cases.Select(c => CasePrograms.For(c.Plan.Guest).Name).ToHashSet();
        Assert.Equal(CasePrograms.All.Select(p => p.Name).Order(), programs.Order());
    }

    [Fact]
    public void Bit_pattern_modifier_sets_ones_and_clears_zeros_under_its_mask()
    {
        var cpuid = new CpuidPlan([], [new CpuidModifier(1, 0, CpuidRegister.Ecx, Mask: 0b1100, Value: 0b0100)]);
        var edit = Assert.Single(CaseCpuid.Edits(cpuid));
        Assert.Equal(0b0100u, edit.SetBits);
        Assert.Equal(0b1000u, edit.ClearBits);
        Assert.Equal(0b0111u, edit.Apply(0b1011));
    }

    [Theory]
    [InlineData("faults[variant=cpl0]", "faults-variant=cpl0.plan.json")]
    [InlineData("enable-protocol[en=zero,enforcement=enforced,features=all]", "enable-protocol-en=zero-enforcement=enforced-features=all.plan.json")]
    [InlineData("minimal", "minimal.plan.json")]
    public void Plan_file_names_are_safe(string caseName, string fileName) =>
        Assert.Equal(fileName, CompileCommand.PlanFileName(caseName));
}
