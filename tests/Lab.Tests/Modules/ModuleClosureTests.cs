using Vmspec.Lab.Modules;
using Vmspec.Lab.Running;
using Vmspec.Lab.Tests.Support;

namespace Vmspec.Lab.Tests.Modules;

public sealed class ModuleClosureTests
{
    [Fact]
    public async Task The_closure_of_the_pinned_kernels_lists_dependencies_before_their_users()
    {
        foreach (string host in (string[])["debian-6.12", "debian-6.1"])
        {
            var kernel = await LabKernels.Prepare(host);
            var names = ModuleClosure.Resolve(kernel.ModulesDirectory, [.. LabRunner.BaseModules, "kvm_amd"]).Select(m => m.Name).ToList();

            Assert.True(names.IndexOf("kvm") < names.IndexOf("kvm_amd"), string.Join(",", names));
            Assert.True(names.IndexOf("9pnet") < names.IndexOf("9pnet_virtio") && names.IndexOf("9pnet_virtio") < names.IndexOf("9p"), string.Join(",", names));
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.Contains("overlay", names);
        }
    }

    [Fact]
    public async Task A_module_that_is_neither_present_nor_built_in_is_named()
    {
        var kernel = await LabKernels.Prepare("debian-6.12");
        var e = Assert.Throws<LabException>(() => ModuleClosure.Resolve(kernel.ModulesDirectory, ["no_such_module"]));
        Assert.StartsWith("module no_such_module (needed by the lab) is neither in ", e.Message);
    }
}
