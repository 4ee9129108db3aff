namespace Vmspec.Runtime.Host;

/// <summary>Where the probe looks; tests point it at a fake tree.</summary>
public sealed record HostPaths(string DevKvm, string SysModule, string KernelLog, string OsRelease)
{
    /// <summary>Names another KVM device than /dev/kvm (e.g. a path that does not exist, to leave native KVM unused).</summary>
    public const string DeviceVariable = "VMSPEC_KVM_DEVICE";

    public static HostPaths System { get; } = new(
        Environment.GetEnvironmentVariable(DeviceVariable) is { Length: > 0 } device ? device : "/dev/kvm", "/sys/module", "/dev/kmsg",
        "/proc/sys/kernel/osrelease");
}
