namespace Vmspec.Abi.KvmPara;

/// <summary>Which <c>struct kvm_vcpu_pv_apf_data</c> layout a guest kernel speaks.</summary>
public enum ApfDataAbi { Fixed64, Legacy68, Unknown }

/// <summary>One member of a struct layout: name, byte offset and size.</summary>
public sealed record AbiField(string Name, long Offset, long Size);

/// <summary>A named layout of <c>struct kvm_vcpu_pv_apf_data</c>.</summary>
public sealed record ApfDataLayout(ApfDataAbi Abi, string Name, long Size, IReadOnlyList<AbiField> Fields);

/// <summary>
/// The two layouts of the async #PF shared area (arch/x86/include/uapi/asm/kvm_para.h): Linux 6.9 dropped the
/// guest-only <c>u32 enabled</c> at offset 64 that had made the struct 68 bytes (the host never read it).
/// Their names are the verdicts of <c>vmspec abi</c> and the values of a spec's <c>kernelAbi</c>.
/// </summary>
public static class ApfDataLayouts
{
    public const string StructName = "kvm_vcpu_pv_apf_data";
    public const string UnknownName = "unknown";

    public static ApfDataLayout Fixed64 { get; } = new(ApfDataAbi.Fixed64, "fixed-64", KvmVcpuPvApfData.Size,
        [new("flags", KvmVcpuPvApfData.FlagsOffset, 4), new("token", KvmVcpuPvApfData.TokenOffset, 4),
         new("pad", KvmVcpuPvApfData.PadOffset, KvmVcpuPvApfData.PadLength)]);

    public static ApfDataLayout Legacy68 { get; } = new(ApfDataAbi.Legacy68, "legacy-68", 68,
        [.. Fixed64.Fields, new("enabled", 64, 4)]);

    public static IReadOnlyList<ApfDataLayout> All { get; } = [Fixed64, Legacy68];

    /// <summary>Every <see cref="ApfDataAbi"/> with its name, <c>unknown</c> last.</summary>
    public static IReadOnlyList<KeyValuePair<string, ApfDataAbi>> Names { get; } =
        [.. All.Select(l => KeyValuePair.Create(l.Name, l.Abi)), new(UnknownName, ApfDataAbi.Unknown)];

    public static string Name(ApfDataAbi abi) => Names.First(n => n.Value == abi).Key;
}
