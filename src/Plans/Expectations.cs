using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Plans;

/// <summary>
/// Expectations on hardware KVM and on kvm_pvm (which emulates CPL0, so some results differ), each with the
/// spec's flavour overrides already applied.
/// </summary>
public sealed record FlavourExpectations(Expectations Hardware, Expectations KvmPvm)
{
    /// <summary>The name of <see cref="Hardware"/> in specs and plans: every flavour but kvm_pvm.</summary>
    public const string HardwareName = "hardware";

    public static string KvmPvmName => KvmFlavours.Name(KvmFlavour.KvmPvm);

    public static FlavourExpectations Unchecked { get; } = new(Expectations.Unchecked, Expectations.Unchecked);

    public Expectations For(KvmFlavour flavour) => KvmFlavours.EmulatesCpl0(flavour) ? KvmPvm : Hardware;

    /// <summary>Whose expectations applied: <c>kvm_pvm</c> or <c>hardware (kvm_intel)</c>.</summary>
    public static string Label(KvmFlavour flavour) =>
        KvmFlavours.EmulatesCpl0(flavour) ? KvmPvmName : $"{HardwareName} ({KvmFlavours.Name(flavour)})";
}

/// <summary>
/// Null means "not checked". <see cref="KernelAbi"/> and <see cref="GuestEnablesAsyncPf"/> only appear for
/// Linux guests; the kernel ABI is a property of the image, so it is the same for every flavour.
/// </summary>
public sealed record Expectations(EventExpectations Events, AbiExpectations Abi, ApfDataAbi? KernelAbi = null, bool? GuestEnablesAsyncPf = null)
{
    public static Expectations Unchecked { get; } = new(EventExpectations.Unchecked, new AbiExpectations(null));
}

/// <summary>Null means "not checked".</summary>
public sealed record EventExpectations(uint? PageNotPresent, uint? PageReady, uint? WakeupAll, bool? TokensPaired, byte? Vector)
{
    public static EventExpectations Unchecked { get; } = new(null, null, null, null, null);
}

public sealed record AbiExpectations(bool? CanaryIntact);
