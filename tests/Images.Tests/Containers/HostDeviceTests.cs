using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Containers;

public sealed class HostDeviceTests
{
    [Fact]
    public void Existing_device_reports_its_owning_group()
    {
        var device = HostDevice.Probe("/dev/null");

        Assert.NotNull(device);
        Assert.Equal("/dev/null", device.Path);
        Assert.Equal(0u, device.GroupId); // root's group owns /dev/null on every Linux we run on
    }

    [Fact]
    public void Missing_device_is_null_so_the_container_runs_without_it()
    {
        using var temp = new TempDirectory();

        Assert.Null(HostDevice.Probe(temp.Combine("kvm")));
    }

    [Fact]
    public void Verifier_devices_are_exactly_the_present_ones_of_KVM_and_userfaultfd()
    {
        var expected = new[] { HostDevice.Kvm, HostDevice.Userfaultfd }.Where(File.Exists);

        Assert.Equal(expected, HostDevice.ProbeVerifierDevices().Select(d => d.Path));
    }
}
