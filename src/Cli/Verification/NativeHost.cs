using Vmspec.Abi.Kvm;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Verification;

/// <summary>This machine as a verify host: <c>native</c>, its kernel release and what the KVM probe found.</summary>
internal static class NativeHost
{
    public static HostInfo Info(HostReport probe) => new(HostInfo.NativeName, HostInfo.NativeMode, probe.KernelRelease,
        KvmFlavours.Name(probe.Flavour), probe.Available, probe.Available ? null : probe.Reason);
}
