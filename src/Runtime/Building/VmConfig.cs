using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Guests;

namespace Vmspec.Runtime.Building;

/// <summary>An extra plain-RAM slot beside slot 0.</summary>
public sealed record SlotConfig(uint Id, ulong GuestPhysicalAddress, ulong Size);

/// <summary>A slot whose pages are supplied on demand by a userfaultfd resolver after <paramref name="ResolveDelay"/>.</summary>
public sealed record UserfaultSlotConfig(uint Id, ulong GuestPhysicalAddress, ulong Size, PageResolver Resolver, TimeSpan ResolveDelay);

/// <summary>Everything a VM is made from; <see cref="VmBuilder"/> turns it into a <see cref="Vm"/>.</summary>
public sealed record VmConfig
{
    /// <summary>A vmspec guest program (long mode on <see cref="Layout"/>); exactly one of Program and <see cref="Boot"/> is set.</summary>
    public GuestProgram? Program { get; init; }
    /// <summary>A loaded kernel (<see cref="LinuxLoader"/>): its RAM size, memory contents and entry state replace the program's.</summary>
    public BootImage? Boot { get; init; }
    public GuestLayout Layout { get; init; } = GuestLayout.Default;
    /// <summary>Port I/O devices (UART, i8042, ...) consulted before the report ports; the caller keeps them to read their state.</summary>
    public IReadOnlyList<IPortIoDevice> Devices { get; init; } = [];
    /// <summary>Devices offered MMIO exits outside RAM; without one, an MMIO exit ends the run.</summary>
    public IReadOnlyList<IMmioDevice> MmioDevices { get; init; } = [];
    public IReadOnlyList<SlotConfig> ExtraSlots { get; init; } = [];
    public UserfaultSlotConfig? UserfaultSlot { get; init; }
    /// <summary>In-kernel LAPIC/IOAPIC (KVM_CREATE_IRQCHIP); needed for interrupts and x2APIC.</summary>
    public bool Irqchip { get; init; } = true;
    /// <summary>In-kernel i8254 PIT (KVM_CREATE_PIT2, port 0x61 included); needs <see cref="Irqchip"/>. Devices that are
    /// <see cref="IInterruptSource"/>s are wired to the irqchip's GSIs either way.</summary>
    public bool Pit { get; init; }
    public IReadOnlyList<CpuidEdit> CpuidEdits { get; init; } = [];
    /// <summary>Set CPUID.1:ECX.x2APIC as the prototype does.</summary>
    public bool ForceX2Apic { get; init; } = true;
    /// <summary>KVM_CAP_ENFORCE_PV_FEATURE_CPUID: PV MSRs #GP unless their CPUID feature bit is set.</summary>
    public bool EnforcePvFeatureCpuid { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Writes scenario data (canaries, variables) into guest RAM after the program is loaded.</summary>
    public Action<GuestMemory>? InitializeMemory { get; init; }
}
