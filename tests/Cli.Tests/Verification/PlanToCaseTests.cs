using Vmspec.Cli.Commands;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.Cpuid;
using Vmspec.SpecCompiler;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Cli.Tests.Verification;

public class PlanToCaseTests
{
    private static CompiledCase Case(string name)
    {
        var compiled = SpecInputs.Compile([RepositoryPaths.Specs]);
        return compiled.Cases.Single(c => c.Name == name);
    }

    private static CaseDefinition Map(CompiledCase compiled) =>
        PlanToCase.Map(compiled.Plan, (TestGuestPlan)compiled.Plan.Guest);

    [Fact]
    public void FaultCaseCarriesTheWorkloadEnValueAndPerFlavourExpectations()
    {
        var definition = Map(Case("faults[variant=cpl0-send-always]"));
        Assert.Equal(CaseProgram.AsyncPf, definition.Program);
        Assert.Equal((byte)0xec, definition.AsyncPf!.Vector);
        Assert.Equal(AsyncPfEnable.Value(0x6000, AsyncPfEnableBits.Enabled | AsyncPfEnableBits.SendAlways | AsyncPfEnableBits.DeliveryAsInt),
            definition.AsyncPf.EnableValue);
        Assert.Equal(new FaultWorkloadDefinition(6, TimeSpan.FromMilliseconds(2), 0, true), definition.AsyncPf.Workload);
        Assert.Equal(6, definition.ExpectOnHardware.PageNotPresent);
        Assert.Equal(0, definition.ExpectOnPvm.PageNotPresent);
    }

    [Fact]
    public void ProtocolCaseMapsFeaturesEnforcementAndEveryAccessInOrder()
    {
        var definition = Map(Case("enable-protocol[en=raw-bit4,enforcement=enforced,features=no-int]"));
        Assert.True(definition.Machine.EnforcePvFeatureCpuid);
        Assert.Contains(CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt), definition.Machine.CpuidEdits);
        Assert.Contains(CpuidEdit.SetPvFeature(KvmPvFeature.AsyncPf), definition.Machine.CpuidEdits);
        Assert.Equal(9, definition.Accesses.Count);
        var enWrite = definition.Accesses[3];
        Assert.Equal(AsyncPfMsrs.Enable, enWrite.Access.Msr);
        Assert.Equal(0x6019UL, enWrite.Access.Value);
        Assert.All(definition.Accesses, a => Assert.Equal(Vmspec.Runtime.AsyncPf.Cases.AccessExpectation.Oracle, a.Expect));
    }

    [Fact]
    public void BitPatternModifierSetsOnesAndClearsZerosUnderItsMask()
    {
        var cpuid = new CpuidPlan([], [new CpuidModifier(1, 0, Vmspec.SpecCompiler.Model.CpuidRegister.Ecx, Mask: 0b1100, Value: 0b0100)]);
        var edit = Assert.Single(PlanToCase.CpuidEdits(cpuid));
        Assert.Equal(0b0100u, edit.SetBits);
        Assert.Equal(0b1000u, edit.ClearBits);
        Assert.Equal(0b0111u, edit.Apply(0b1011));
    }

    [Theory]
    [InlineData("faults[variant=cpl0]", "faults-variant=cpl0.plan.json")]
    [InlineData("enable-protocol[en=zero,enforcement=enforced,features=all]", "enable-protocol-en=zero-enforcement=enforced-features=all.plan.json")]
    [InlineData("minimal", "minimal.plan.json")]
    public void PlanFileNamesAreSafe(string caseName, string fileName) =>
        Assert.Equal(fileName, CompileCommand.PlanFileName(caseName));
}
