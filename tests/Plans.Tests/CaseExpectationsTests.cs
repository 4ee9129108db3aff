using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans.Hosts;

namespace Vmspec.Plans.Tests;

public sealed class CaseExpectationsTests
{
    private static readonly HostIdentity Amd61 = new(KvmFlavour.KvmAmd, "6.1.0-56-amd64");
    private static readonly HostIdentity Amd612 = new(KvmFlavour.KvmAmd, "6.12.117+deb12-amd64");
    private static readonly HostIdentity Pvm618 = new(KvmFlavour.KvmPvm, "6.18.44-fc-v1045");

    private static KernelRange Range(string text) => KernelRange.TryParse(text, out var range, out _) ? range! : throw new ArgumentException(text);

    private static Expectations Events(uint pageNotPresent, uint? pageReady = null) =>
        Expectations.Unchecked with { Events = EventExpectations.Unchecked with { PageNotPresent = pageNotPresent, PageReady = pageReady } };

    private static readonly CaseExpectations Keyed = new(Events(6, 6),
    [
        new(new HostCondition(null, Range("<6.12.75")), Expectations.Unchecked with { HostReadOfGatedMsr = GatedMsrHostRead.Refused }),
        new(new HostCondition(null, Range(">=6.12.75")), Expectations.Unchecked with { HostReadOfGatedMsr = GatedMsrHostRead.ReadsZero }),
        new(new HostCondition(KvmFlavour.KvmPvm, null), Events(0)),
    ]);

    [Fact]
    public void Overrides_apply_field_by_field_where_their_condition_matches()
    {
        var amd = Keyed.For(Amd612);
        Assert.Equal(6u, amd.Events.PageNotPresent);
        Assert.Equal(GatedMsrHostRead.ReadsZero, amd.HostReadOfGatedMsr);

        var pvm = Keyed.For(Pvm618);
        Assert.Equal(0u, pvm.Events.PageNotPresent);
        Assert.Equal(6u, pvm.Events.PageReady); // not overridden: the common value stays
        Assert.Equal(GatedMsrHostRead.ReadsZero, pvm.HostReadOfGatedMsr);

        Assert.Equal(GatedMsrHostRead.Refused, Keyed.For(Amd61).HostReadOfGatedMsr);
    }

    [Fact]
    public void The_source_of_a_value_is_the_last_matching_entry_that_sets_it()
    {
        Assert.Equal("when kernel <6.12.75", Keyed.SourceOf(Amd61, e => e.HostReadOfGatedMsr));
        Assert.Equal("when flavour kvm_pvm", Keyed.SourceOf(Pvm618, e => e.Events.PageNotPresent));
        Assert.Equal("", Keyed.SourceOf(Pvm618, e => e.Events.PageReady)); // the common value stands
        Assert.Equal("", Keyed.SourceOf(Amd612, e => e.Events.PageNotPresent));
    }

    [Fact]
    public void A_later_entry_wins_where_two_match()
    {
        var twice = new CaseExpectations(Events(6),
            [new(new HostCondition(KvmFlavour.KvmAmd, null), Events(1)), new(new HostCondition(null, Range("6.12")), Events(2))]);
        Assert.Equal(2u, twice.For(Amd612).Events.PageNotPresent);
        Assert.Equal(1u, twice.For(Amd61).Events.PageNotPresent);
    }

    [Fact]
    public void Linux_expectations_are_overridden_field_by_field_and_the_kernel_ABI_stays()
    {
        var linux = new CaseExpectations(
            Expectations.Unchecked with { KernelAbi = ApfDataAbi.Fixed64, GuestEnablesAsyncPf = true, GuestTakesAsyncPf = true },
            [new(new HostCondition(KvmFlavour.KvmPvm, null), Expectations.Unchecked with { GuestTakesAsyncPf = false })]);

        var pvm = linux.For(Pvm618);
        Assert.Equal((ApfDataAbi.Fixed64, true, false), (pvm.KernelAbi, pvm.GuestEnablesAsyncPf, pvm.GuestTakesAsyncPf));
        Assert.True(linux.For(Amd612).GuestTakesAsyncPf);
        Assert.Equal("when flavour kvm_pvm", linux.SourceOf(Pvm618, e => e.GuestTakesAsyncPf));
    }

    [Fact]
    public void A_release_without_a_version_matches_no_kernel_range()
    {
        var host = new HostIdentity(KvmFlavour.KvmAmd, "unknown");
        Assert.Null(Keyed.For(host).HostReadOfGatedMsr);
        Assert.True(new HostCondition(KvmFlavour.KvmAmd, null).Matches(host));
    }
}
