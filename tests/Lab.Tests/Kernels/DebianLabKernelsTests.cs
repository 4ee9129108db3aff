using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Tests.Support;
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
        var e = await Assert.ThrowsAsync<LabException>(() => DebianLabKernels.PrepareAsync("bad", wrong, cache.Path, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains($"expected {new string('0', 64)}", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cache.Path, "lab")));
    }
}
