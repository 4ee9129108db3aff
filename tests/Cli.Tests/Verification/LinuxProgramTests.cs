using Vmspec.Abi.Kvm;
using Vmspec.Cli.Specs;
using Vmspec.GuestKernels.Debian;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;
using Vmspec.Shared.Debian;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>
/// The checked-in Debian kernel specs: the ABI verdict is checked on any host; the kernel boots where KVM runs CPL0 code
/// natively (kvm_amd, kvm_intel: natively or in the lab), and the case then passes as a whole.
/// </summary>
public class LinuxProgramTests
{
    [Theory]
    [InlineData("debian-6-1-cloud[entry=boot-protocol-64]", "legacy-68")]
    [InlineData("debian-6-1-cloud[entry=pvh]", "legacy-68")]
    [InlineData("debian-6-12-cloud[entry=boot-protocol-64]", "fixed-64")]
    [InlineData("debian-6-12-cloud[entry=pvh]", "fixed-64")]
    public void Kernel_ABI_is_checked_and_the_kernel_boots_where_KVM_can_boot_Linux(string caseName, string verdict)
    {
        var compiled = SpecInputs.Compile([TestRepository.Specs]).Cases.Single(c => c.Name == caseName);
        var guest = (LinuxGuestPlan)compiled.Plan.Guest;
        var kernel = (DebianKernel)guest.Kernel;
        var package = new DebianKernelPackage(kernel.Package, kernel.Version, kernel.Sha256);
        if (package.FindCached() is null)
        {
            Assert.Skip($"{kernel.Package}={kernel.Version} is not in {DebCache.DefaultDirectory}; fetch it with ./build.sh FetchKernels");
            return;
        }
        var host = HostProbe.Probe();
        var result = LinuxProgram.Instance.Run(compiled.Plan, host, Path.GetDirectoryName(Path.GetFullPath(compiled.SourceFile))!);

        var abi = Assert.Single(result.Checks, c => c.Name.StartsWith("kernel ABI", StringComparison.Ordinal));
        Assert.Equal(Outcome.Passed, abi.Status);
        Assert.StartsWith(verdict, abi.Observed);
        var boot = Assert.Single(result.Checks, c => c.Name.StartsWith("boot", StringComparison.Ordinal));
        if (!host.Available || host.Flavour == KvmFlavour.KvmPvm)
        {
            Assert.Equal(Outcome.Skipped, boot.Status);
            Assert.Equal(!host.Available ? host.Reason : LinuxProgram.PvmCannotBoot, boot.Observed);
            Assert.Equal(Outcome.Skipped, result.Status);
            Assert.Equal(boot.Observed, result.Reason);
            return;
        }
        Assert.True(result.Status == Outcome.Passed, string.Join("\n", result.Checks.Select(c => $"{c.Status} {c.Name}: {c.ObservedWithFigures}")));
        Assert.Contains(result.Checks, c => c.Name.StartsWith("async #PFs taken by Linux", StringComparison.Ordinal) && c.Status == Outcome.Passed);
    }
}
