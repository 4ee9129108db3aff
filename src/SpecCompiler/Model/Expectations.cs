namespace Vmspec.SpecCompiler.Model;

public enum HostFlavour { Hardware, KvmPvm }

/// <summary>Expectations per KVM flavour, each with the spec's flavour overrides already applied.</summary>
public sealed record FlavourExpectations(Expectations Hardware, Expectations KvmPvm)
{
    public Expectations For(HostFlavour flavour) => flavour == HostFlavour.KvmPvm ? KvmPvm : Hardware;
}

/// <summary>
/// Null means "not checked". <see cref="KernelAbi"/> and <see cref="GuestEnablesAsyncPf"/> only
/// appear for Linux guests; the kernel ABI is a property of the image, so it is the same for every flavour.
/// </summary>
public sealed record Expectations(EventExpectations Events, AbiExpectations Abi, KernelAbi? KernelAbi = null, bool? GuestEnablesAsyncPf = null);

/// <summary>Null means "not checked".</summary>
public sealed record EventExpectations(uint? PageNotPresent, uint? PageReady, uint? WakeupAll, bool? TokensPaired, byte? Vector);

public sealed record AbiExpectations(bool? CanaryIntact);

/// <summary>The kvm_vcpu_pv_apf_data layout of a kernel: 64 bytes since Linux 6.9, 68 before; unknown = neither.</summary>
public enum KernelAbi { Fixed64, Legacy68, Unknown }
