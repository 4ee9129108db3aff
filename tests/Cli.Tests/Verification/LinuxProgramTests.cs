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

/// <summary>The checked-in Debian kernel specs: the ABI verdict is checked on any host; the boot needs hardware KVM.</summary>
public class LinuxProgramTests
{
    [Theory]
    [InlineData("debian-6-1-cloud", "legacy-68")]
    [InlineData("debian-6-12-cloud", "fixed-64")]
    public void Kernel_ABI_is_checked_and_the_boot_is_skipped_with_a_reason(string caseName, string verdict)
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
        Assert.Equal(Outcome.Skipped, boot.Status);
        Assert.Equal(!host.Available ? host.Reason : host.Flavour == KvmFlavour.KvmPvm ? LinuxProgram.PvmCannotBoot : LinuxProgram.LinuxBootIncomplete,
            boot.Observed);
        Assert.Equal(Outcome.Skipped, result.Status);
        Assert.Equal(boot.Observed, result.Reason);
    }
}
