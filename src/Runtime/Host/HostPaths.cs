namespace Vmspec.Runtime.Host;

/// <summary>Where the probe looks; tests point it at a fake tree.</summary>
public sealed record HostPaths(string DevKvm, string SysModule, string KernelLog)
{
    public static readonly HostPaths System = new("/dev/kvm", "/sys/module", "/dev/kmsg");
}
