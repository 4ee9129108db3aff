namespace Vmspec.Runtime.Host;

/// <summary>What the host's KVM offers (or why it cannot be used).</summary>
public sealed record HostReport(
    bool Available,
    string Reason,
    KvmFlavour Flavour,
    IReadOnlyList<string> LoadedModules,
    int? ApiVersion,
    IReadOnlyList<KeyValuePair<string, int>> Capabilities,
    uint? KvmFeaturesEax,
    IReadOnlyList<string> KvmFeatures,
    string KernelRelease);
