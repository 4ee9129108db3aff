using Vmspec.Abi.Kvm;
using Vmspec.Plans;
using Vmspec.Plans.Hosts;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Binding;

/// <summary>expect.when: overrides keyed by KVM flavour and host kernel release, carried into the plan in order.</summary>
public sealed class HostKeyedExpectationTests
{
    private const string Keyed = """

        expect:
          events: { pageNotPresent: 6 }
          when:
            - kernel: "<6.12.75"
              hostReadOfGatedMsr: refused
            - { kernel: ">=6.12.75", hostReadOfGatedMsr: reads-zero }
            - { flavour: kvm_pvm, kernel: "6.18", events: { pageNotPresent: 0 } }
        """;

    [Fact]
    public void When_entries_compile_in_order_and_round_trip_through_the_plan()
    {
        var compiled = Assert.Single(Specs.Compile(Specs.Protocol + Keyed).Cases);
        var expect = compiled.Plan.Expect;

        Assert.Equal(["kernel <6.12.75", "kernel >=6.12.75", "flavour kvm_pvm, kernel 6.18"], expect.When.Select(w => w.Condition.ToString()));
        Assert.Equal(GatedMsrHostRead.Refused, expect.For(new HostIdentity(KvmFlavour.KvmAmd, "6.1.0-56-amd64")).HostReadOfGatedMsr);
        var pvm = expect.For(new HostIdentity(KvmFlavour.KvmPvm, "6.18.44-fc-v1045"));
        Assert.Equal((GatedMsrHostRead.ReadsZero, 0u), (pvm.HostReadOfGatedMsr!.Value, pvm.Events.PageNotPresent!.Value));

        var read = PlanReader.Read(compiled.CanonicalJson).Expect;
        Assert.Equal(expect.Common, read.Common);
        Assert.Equal(expect.When.Select(w => (w.Condition.ToString(), w.Overrides)), read.When.Select(w => (w.Condition.ToString(), w.Overrides)));
    }

    [Fact]
    public void A_when_entry_without_flavour_or_kernel_is_an_error_at_the_entry()
    {
        var result = Specs.Compile(Specs.Protocol + "\nexpect:\n  when:\n    - { hostReadOfGatedMsr: refused }\n");

        Assert.Equal("spec.yaml:24:7: error: expect.when[0]: a when entry needs flavour or kernel (or both): it would apply to every host",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Theory]
    [InlineData("~6.9")]
    [InlineData(">=6")]
    [InlineData("6.9-rc1")]
    public void A_malformed_kernel_range_is_an_error_at_the_field(string range)
    {
        var result = Specs.Compile(Specs.Protocol + $"\nexpect:\n  when:\n    - {{ kernel: \"{range}\", hostReadOfGatedMsr: refused }}\n");

        var diagnostic = Assert.Single(result.Diagnostics).ToString();
        Assert.StartsWith($"spec.yaml:24:17: error: expect.when[0].kernel: '{range}' is not a bound such as >=6.9", diagnostic);
    }

    [Fact]
    public void An_unknown_flavour_is_an_error_naming_the_known_ones()
    {
        var result = Specs.Compile(Specs.Protocol + "\nexpect:\n  when:\n    - { flavour: kvm_arm, events: { pageReady: 0 } }\n");

        var diagnostic = Assert.Single(result.Diagnostics).ToString();
        Assert.Contains("expect.when[0].flavour", diagnostic);
        Assert.Contains("kvm_amd", diagnostic);
    }
}
