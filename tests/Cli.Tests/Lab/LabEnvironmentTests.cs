using Vmspec.Cli.Lab;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Tests.Lab;

public sealed class LabEnvironmentTests
{
    [Fact]
    public void The_lab_gets_the_callers_settings_but_not_this_machines_KVM_device_or_shell_bookkeeping()
    {
        var environment = LabEnvironment.From(new Dictionary<string, string?>
        {
            [HostPaths.DeviceVariable] = "/nonexistent/kvm", ["SHLVL"] = "2", ["PATH"] = "/usr/bin", ["EMPTY"] = null,
        });

        Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["EMPTY"] = "" }, environment);
    }
}
