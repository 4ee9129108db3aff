using Vmspec.Abi.Kvm;

namespace Vmspec.Plans.Hosts;

/// <summary>Which hosts an <c>expect.when</c> entry is for: <see cref="Flavour"/> (null = any) with a kernel in <see cref="Kernel"/> (null = any).</summary>
public sealed record HostCondition(KvmFlavour? Flavour, KernelRange? Kernel)
{
    public bool Matches(HostIdentity host) =>
        (Flavour is null || Flavour == host.Flavour)
        && (Kernel is null || host.Version is { } version && Kernel.Contains(version));

    /// <summary><c>flavour kvm_pvm</c>, <c>kernel &gt;=6.12</c>, or both.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Flavour is { } flavour)
            parts.Add($"flavour {KvmFlavours.Name(flavour)}");
        if (Kernel is not null)
            parts.Add($"kernel {Kernel}");
        return string.Join(", ", parts);
    }
}
