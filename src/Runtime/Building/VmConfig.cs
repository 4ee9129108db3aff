using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Building;

/// <summary>An extra plain-RAM slot beside slot 0.</summary>
public sealed record SlotConfig(uint Id, ulong GuestPhysicalAddress, ulong Size);

/// <summary>A slot whose pages are supplied on demand by a userfaultfd resolver after <paramref name="ResolveDelay"/>.</summary>
public sealed record UserfaultSlotConfig(uint Id, ulong GuestPhysicalAddress, ulong Size, PageResolver Resolver, TimeSpan ResolveDelay);

/// <summary>Everything a VM is made from; <see cref="VmBuilder"/> turns it into a <see cref="Vm"/>.</summary>
public sealed record VmConfig
{
    public required GuestProgram Program { get; init; }
    public GuestLayout Layout { get; init; } = GuestLayout.Default;
    public IReadOnlyList<SlotConfig> ExtraSlots { get; init; } = [];
    public UserfaultSlotConfig? UserfaultSlot { get; init; }
    /// <summary>In-kernel LAPIC/IOAPIC (KVM_CREATE_IRQCHIP); needed for interrupts and x2APIC.</summary>
    public bool Irqchip { get; init; } = true;
    public IReadOnlyList<CpuidEdit> CpuidEdits { get; init; } = [];
    /// <summary>Set CPUID.1:ECX.x2APIC as the prototype does.</summary>
    public bool ForceX2Apic { get; init; } = true;
    /// <summary>KVM_CAP_ENFORCE_PV_FEATURE_CPUID: PV MSRs #GP unless their CPUID feature bit is set.</summary>
    public bool EnforcePvFeatureCpuid { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Writes scenario data (canaries, variables) into guest RAM after the program is loaded.</summary>
    public Action<GuestMemory>? InitializeMemory { get; init; }
}
