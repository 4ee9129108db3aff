namespace Vmspec.SpecCompiler.Model;

public enum HostFlavour { Hardware, KvmPvm }

/// <summary>Expectations per KVM flavour, each with the spec's flavour overrides already applied.</summary>
public sealed record FlavourExpectations(Expectations Hardware, Expectations KvmPvm)
{
    public Expectations For(HostFlavour flavour) => flavour == HostFlavour.KvmPvm ? KvmPvm : Hardware;
}

public sealed record Expectations(EventExpectations Events, AbiExpectations Abi);

/// <summary>Null means "not checked".</summary>
public sealed record EventExpectations(uint? PageNotPresent, uint? PageReady, uint? WakeupAll, bool? TokensPaired, byte? Vector);

public sealed record AbiExpectations(bool? CanaryIntact);
