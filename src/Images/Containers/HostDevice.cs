using Tmds.Linux;

namespace Vmspec.Images;

/// <summary>A host device file a verifying container needs, and the group that owns it (the group the non-root container user joins).</summary>
public sealed record HostDevice(string Path, uint GroupId)
{
    public const string Kvm = "/dev/kvm";

    /// <summary>
    /// The userfaultfd device (Linux >= 6.1): the runtime's fallback when the userfaultfd syscall is
    /// refused, as it is inside a container by the engine's default seccomp profile.
    /// </summary>
    public const string Userfaultfd = "/dev/userfaultfd";

    /// <summary>The devices ContainerVerify passes through, each only if the host has it.</summary>
    public static IReadOnlyList<HostDevice> ProbeVerifierDevices() =>
        new[] { Kvm, Userfaultfd }.Select(Probe).OfType<HostDevice>().ToList();

    /// <summary>The device, or null when the host has none (containers then run without it; KVM cases report skipped).</summary>
    public static unsafe HostDevice? Probe(string path)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        stat status;
        fixed (byte* pathname = name)
        {
            if (LibC.stat(pathname, &status) != 0)
            {
                return null;
            }
        }

        return new HostDevice(path, status.st_gid);
    }
}
