using System.Text;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Plan;

public sealed class PlanReaderTests
{
    private static CompiledCase Compiled() => Assert.Single(Specs.Compile(Specs.Protocol).Cases);

    [Fact]
    public void Reads_back_the_typed_model()
    {
        var plan = PlanReader.Read(Compiled().CanonicalJson);

        Assert.Equal("proto", plan.Name);
        Assert.True(plan.Machine.EnforcePvFeatureCpuid);
        Assert.Equal(new KvmFeatureSetting(KvmPvFeature.AsyncPf, FeatureMode.Set), Assert.Single(plan.Cpuid.KvmFeatures));
        Assert.Equal(0x6009UL, plan.AsyncPf!.EnValue);
        var guest = Assert.IsType<TestGuestPlan>(plan.Guest);
        Assert.Equal(
            [
                new MsrAccess(0x4b564d06, MsrOp.Write, 0xec, AccessExpectation.Oracle, null),
                new MsrAccess(0x4b564d02, MsrOp.Write, 0x6009, AccessExpectation.Accept, null, Wait: true),
                new MsrAccess(0x4b564d02, MsrOp.Read, null, AccessExpectation.Oracle, 0x6009),
            ],
            guest.Accesses);
    }

    [Fact]
    public void Edited_content_fails_the_digest_check()
    {
        var text = Encoding.UTF8.GetString(Compiled().CanonicalJson).Replace("\"vcpus\": 1", "\"vcpus\": 2");

        var error = Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text)));
        Assert.StartsWith("$.digest:", error.Message);
    }

    [Fact]
    public void Reformatted_plan_is_not_canonical()
    {
        var text = Encoding.UTF8.GetString(Compiled().CanonicalJson).Replace("\n  ", "\n    ");

        var error = Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text)));
        Assert.Contains("canonical", error.Message);
    }

    [Fact]
    public void Unknown_member_and_bad_JSON_are_named()
    {
        var text = Encoding.UTF8.GetString(Compiled().CanonicalJson).Replace("\"vcpus\": 1", "\"vcpus\": 1,\n    \"smp\": 1");
        Assert.Equal("$.machine.smp: unknown member",
            Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text))).Message);

        Assert.StartsWith("not valid JSON",
            Assert.Throws<PlanFormatException>(() => PlanReader.Read("{"u8.ToArray())).Message);
    }
}
