using Vmspec.Lab.Qemu;
using Vmspec.TestSupport;

namespace Vmspec.Lab.Tests.Qemu;

public sealed class LabAccelChoiceTests
{
    [Fact]
    public void Auto_accel_is_TCG_without_a_nested_KVM_and_KVM_with_one()
    {
        using var root = new TempDirectory();
        string devKvm = Path.Combine(root.Path, "kvm"), modules = Path.Combine(root.Path, "module");
        Assert.Equal(LabAccel.Tcg, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
        var e = Assert.Throws<LabException>(() => LabAccelChoice.Resolve(LabAccel.Kvm, modules, devKvm));
        Assert.Contains("does not exist", e.Message);
        File.WriteAllText(devKvm, "");
        Directory.CreateDirectory(Path.Combine(modules, "kvm_amd", "parameters"));
        File.WriteAllText(Path.Combine(modules, "kvm_amd", "parameters", "nested"), "0\n");
        Assert.Equal(LabAccel.Tcg, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
        File.WriteAllText(Path.Combine(modules, "kvm_amd", "parameters", "nested"), "1\n");
        Assert.Equal(LabAccel.Kvm, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
    }
}
