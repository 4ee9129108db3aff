using System.Text.Json;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Tests.Support;
using Vmspec.GuestKernels.Debian;
using Vmspec.Lab;
using Vmspec.Lab.Init;
using Vmspec.Lab.Qemu;
using Vmspec.Plans;
using Vmspec.Shared.Debian;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>
/// A real Linux guest under vmspec on real KVM, wherever this runs: the pinned 6.12 host kernel's kvm_amd in the lab
/// boots Debian's 6.12 cloud kernel to vmspec's /init, through the 64-bit boot protocol and through PVH; each time /init
/// enables async #PF and takes real async #PFs on its workload.
/// </summary>
public sealed class LinuxGuestLabTests : IDisposable
{
    private readonly TempDirectory _results = new("vmspec-linux-");

    public void Dispose() => _results.Dispose();

    [Fact]
    public async Task A_Debian_6_12_guest_boots_in_the_lab_through_both_entries_enables_async_PF_and_takes_async_PFs()
    {
        try
        {
            QemuBinary.Find();
            StaticBusybox.Load();
        }
        catch (LabException e)
        {
            Assert.Skip(e.Message);
        }
        var guest = (LinuxGuestPlan)SpecInputs.Compile([TestRepository.Specs]).Cases.First(c => c.Name.StartsWith("debian-6-12-cloud[", StringComparison.Ordinal)).Plan.Guest;
        var kernel = (DebianKernel)guest.Kernel;
        if (new DebianKernelPackage(kernel.Package, kernel.Version, kernel.Sha256).FindCached() is null)
            Assert.Skip($"{kernel.Package}={kernel.Version} is not in {DebCache.DefaultDirectory}; fetch it with ./build.sh FetchKernels");

        var verify = await CliProcess.RunAsync(["verify", "--host", "debian-6.12", "specs/linux/debian-6.12-cloud.yaml",
            "--accel", "tcg", "--lab-timeout", "10m", "--results", _results.Path]);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_results.Path, "results.json")));
        var run = Assert.Single(document.RootElement.GetProperty("runs").EnumerateArray());
        var cases = run.GetProperty("cases").EnumerateArray().ToArray();
        Assert.Equal(["debian-6-12-cloud[entry=boot-protocol-64]", "debian-6-12-cloud[entry=pvh]"], cases.Select(c => c.GetProperty("name").GetString()));
        foreach (var linux in cases)
        {
            Assert.Equal("passed", linux.GetProperty("status").GetString());
            var checks = linux.GetProperty("checks").EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => (Status: c.GetProperty("status").GetString(), Observed: c.GetProperty("observed").GetString()));
            Assert.Equal("passed", checks["async #PFs taken by Linux"].Status);
            Assert.Equal("passed", checks["page-ready vector (MSR_KVM_ASYNC_PF_INT)"].Status);
            Assert.Equal("passed", checks["guest enables async #PF (MSR_KVM_ASYNC_PF_EN)"].Status);
            Assert.Matches(@"^EN = 0x[0-9a-f]+ \(enabled \| .*delivery-as-int, GPA", checks["guest enables async #PF (MSR_KVM_ASYNC_PF_EN)"].Observed);
            Assert.Equal("passed", checks["abi: host wrote only bytes 0-7"].Status);
        }
    }
}
