using Vmspec.Abi.Kvm;

namespace Vmspec.Abi.Tests.Kvm;

public sealed class KvmFlavourTests
{
    [Fact]
    public void Flavours_are_named_by_their_modules_and_only_kvm_pvm_emulates_CPL0()
    {
        Assert.Equal(["kvm_pvm", "kvm_intel", "kvm_amd"], KvmFlavours.Modules.Select(KvmFlavours.Name));
        Assert.Equal("unknown", KvmFlavours.Name(KvmFlavour.Unknown));
        Assert.Equal([KvmFlavour.KvmPvm], Enum.GetValues<KvmFlavour>().Where(KvmFlavours.EmulatesCpl0));
    }
}
