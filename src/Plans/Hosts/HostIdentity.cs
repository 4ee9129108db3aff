using Vmspec.Abi.Kvm;

namespace Vmspec.Plans.Hosts;

/// <summary>What expectations may depend on: the KVM flavour and the host kernel's release (<c>uname -r</c>).</summary>
public sealed record HostIdentity(KvmFlavour Flavour, string KernelRelease)
{
    /// <summary>Null when the release does not start with a version (then no kernel range matches it).</summary>
    public KernelVersion? Version => KernelVersion.TryParse(KernelRelease, out var version) ? version : null;

    public override string ToString() => $"{KvmFlavours.Name(Flavour)} on {KernelRelease}";
}
