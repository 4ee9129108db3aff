using Vmspec.Lab.Qemu;

namespace Vmspec.Lab.Tests.Qemu;

public sealed class LabAccelChoiceTests
{
    [Fact]
    public void Auto_accel_is_TCG_without_a_nested_KVM_and_KVM_with_one()
    {
        var root = Directory.CreateTempSubdirectory();
        try
        {
            string devKvm = Path.Combine(root.FullName, "kvm"), modules = Path.Combine(root.FullName, "module");
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
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
