using Vmspec.Abi.Kvm;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Verification;

/// <summary>This machine as a verify host: <c>native</c>, its kernel release and what the KVM probe found.</summary>
internal static class NativeHost
{
    public static HostInfo Info(HostReport probe) => new(HostInfo.NativeName, HostInfo.NativeMode, KernelRelease(),
        KvmFlavours.Name(probe.Flavour), probe.Available, probe.Available ? null : probe.Reason);

    /// <summary><c>uname -r</c>: /proc/sys/kernel/osrelease, or the version .NET knows when /proc is not there.</summary>
    public static string KernelRelease(string osrelease = "/proc/sys/kernel/osrelease")
    {
        try
        {
            if (File.ReadAllText(osrelease).Trim() is { Length: > 0 } release)
                return release;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return Environment.OSVersion.Version.ToString();
    }
}
