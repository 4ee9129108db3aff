using Vmspec.Cli.Specs;
using Vmspec.Plans;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Specs;

public sealed class GuestKernelFetchTests
{
    [Fact]
    public void The_checked_in_specs_need_each_pinned_Debian_guest_kernel_once()
    {
        var cases = SpecInputs.Compile([TestRepository.Specs]).Cases;

        var kernels = GuestKernelFetch.KernelsOf(cases);

        Assert.Equal(["linux-image-6.1.0-56-cloud-amd64-unsigned", "linux-image-6.12.117+deb12-cloud-amd64-unsigned"],
            kernels.Select(k => k.Package).Order(StringComparer.Ordinal));
        Assert.True(cases.Count(c => c.Plan.Guest is LinuxGuestPlan) > kernels.Count, "several cases boot each kernel");
    }

    [Fact]
    public async Task Every_kernel_that_cannot_be_fetched_is_named_and_counted_not_thrown()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        DebianKernel unfetchable = new("linux-image-x", "--help", new string('0', 64));

        int failures = await GuestKernelFetch.FetchAsync([unfetchable, unfetchable], output, errors, TestContext.Current.CancellationToken);

        Assert.Equal(2, failures);
        Assert.Equal("", output.ToString());
        Assert.StartsWith("error: linux-image-x=--help: package version", errors.ToString());
    }
}
