using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Modules;
using Vmspec.Lab.Running;
using Vmspec.Lab.Tests.Support;
using Vmspec.Shared.Debian;
using Vmspec.TestSupport;

namespace Vmspec.Lab.Tests.Kernels;

public sealed class DebianLabKernelsTests
{
    [Fact]
    public async Task A_kernel_package_whose_sha256_differs_is_refused_before_boot()
    {
        var real = LabKernels.Debian612Package;
        var wrong = new DebianKernelPackage(real.Name, real.Version, new string('0', 64));
        using var cache = new TempDirectory();
        File.Copy(await real.FetchAsync(cancellationToken: TestContext.Current.CancellationToken), Path.Combine(cache.Path, Path.GetFileName(real.FindCached()!)));
        var e = await Assert.ThrowsAsync<LabException>(() => DebianLabKernels.PrepareAsync("bad", wrong, Path.Combine(cache.Path, "lab"), cache.Path, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains($"expected {new string('0', 64)}", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cache.Path, "lab")));
    }

    [Theory]
    [InlineData("debian-6.1")]
    [InlineData("debian-6.12")]
    public async Task A_copy_of_the_carried_files_alone_is_a_kernel_the_lab_boots_with_every_module_it_loads(string host)
    {
        var kernel = await LabKernels.Prepare(host);
        var package = host == "debian-6.1" ? LabKernels.Debian61Package : LabKernels.Debian612Package;
        using var copy = new TempDirectory();
        var folder = Path.Combine(copy.Path, LabKernelDirectory.FolderName(package.Name, package.Version));
        var carried = DebianLabKernels.CarriedFiles(kernel);
        foreach (var (path, source) in carried)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.Copy(source, Path.Combine(folder, path));
        }

        var again = await DebianLabKernels.PrepareAsync(host, package, copy.Path, Path.Combine(copy.Path, "no-debs"),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(folder, "vmlinux-pvh"), again.BootImagePath);
        Assert.False(File.Exists(again.BzImagePath));
        Assert.False(Directory.Exists(Path.Combine(copy.Path, "no-debs")));
        Assert.Contains(carried, f => f.Path.EndsWith("/modules.builtin", StringComparison.Ordinal));
        foreach (var vendor in LabRunner.KvmVendorModules)
        {
            var closure = ModuleClosure.Resolve(again.ModulesDirectory, [.. LabRunner.BaseModules, vendor]);
            Assert.Contains(closure, m => m.Name == vendor);
            Assert.All(closure, m => Assert.StartsWith(folder, m.Path, StringComparison.Ordinal));
        }
        Assert.Equal(carried.Count, Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count());
    }
}
