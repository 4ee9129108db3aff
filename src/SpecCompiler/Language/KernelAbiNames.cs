using Vmspec.SpecCompiler.Model;

namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// Spellings of <see cref="KernelAbi"/> in specs and plans: the verdicts of <c>vmspec abi</c>
/// (GuestKernels' ApfDataAbi), so a runtime can compare an expectation with a verdict directly.
/// </summary>
public static class KernelAbiNames
{
    public static IReadOnlyList<KeyValuePair<string, KernelAbi>> All { get; } =
        [new("fixed-64", KernelAbi.Fixed64), new("legacy-68", KernelAbi.Legacy68), new("unknown", KernelAbi.Unknown)];

    public static string Of(KernelAbi abi) => All.First(p => p.Value == abi).Key;

    public static KernelAbi? Parse(string? name) => All.FirstOrDefault(p => p.Key == name) is { Key: not null } match ? match.Value : null;
}
