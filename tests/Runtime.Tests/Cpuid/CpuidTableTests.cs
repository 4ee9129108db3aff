using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.Tests.Cpuid;

public sealed class CpuidTableTests
{
    private static KvmCpuidEntry2[] Supported() =>
    [
        new() { Function = 0, Eax = 0xd },
        new() { Function = 1, Ecx = 0x0 },
        new() { Function = 7, Index = 0, Flags = KvmCpuidEntry2.FlagSignificantIndex, Ebx = 0x11 },
        new() { Function = 7, Index = 1, Flags = KvmCpuidEntry2.FlagSignificantIndex, Eax = 0x22 },
        new() { Function = KvmPvFeatures.Leaf, Eax = 0x1007efb },
    ];

    [Fact]
    public void Force_x2APIC_sets_leaf_1_ecx_bit_21()
    {
        var table = new CpuidTable(Supported()).ForceX2Apic();

        Assert.Equal(1u << 21, table.Find(1)!.Value.Ecx);
    }

    [Fact]
    public void PV_feature_edits_set_and_clear_bits_of_leaf_40000001_eax()
    {
        var table = new CpuidTable(Supported())
            .Apply(CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt))
            .Apply(CpuidEdit.SetPvFeature(KvmPvFeature.MmuOp));

        Assert.Equal((0x1007efbu & ~(1u << 14)) | (1u << 2), table.PvFeatures);
    }

    [Fact]
    public void Edits_address_the_subleaf_when_the_index_is_significant()
    {
        var table = new CpuidTable(Supported()).Apply(CpuidEdit.Set(7, CpuidRegister.Eax, 0x100, subleaf: 1));

        Assert.Equal(0x122u, table.Find(7, 1)!.Value.Eax);
        Assert.Equal(0u, table.Find(7, 0)!.Value.Eax);
    }

    [Fact]
    public void Editing_a_leaf_KVM_does_not_offer_is_an_error_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new CpuidTable(Supported()).Apply(CpuidEdit.Set(0x8000_0001, CpuidRegister.Edx, 1)));

        Assert.Contains("0x80000001", e.Message);
    }

    [Fact]
    public void The_table_copies_its_input_and_output()
    {
        var input = Supported();
        var table = new CpuidTable(input).ForceX2Apic();
        var output = table.ToArray();
        output[1].Ecx = 0;

        Assert.Equal(0u, input[1].Ecx);
        Assert.Equal(1u << 21, table.Find(1)!.Value.Ecx);
    }

    [Fact]
    public void Feature_names_of_the_measured_kvm_pvm_leaf_are_kebab_case_in_bit_order()
    {
        var names = KvmPvFeatures.Names(0x1007efb);

        Assert.Equal(
        [
            "clocksource", "nop-io-delay", "clocksource2", "async-pf", "steal-time", "pv-eoi", "pv-unhalt",
            "pv-tlb-flush", "async-pf-vmexit", "pv-send-ipi", "poll-control", "pv-sched-yield", "async-pf-int",
            "clocksource-stable-bit",
        ], names);
        Assert.Equal(["bit-8"], KvmPvFeatures.Names(1u << 8));
        Assert.True(KvmPvFeatures.TryParse("async-pf-int", out var f));
        Assert.Equal(KvmPvFeature.AsyncPfInt, f);
    }
}
