using Vmspec.GuestKernels.Btf;

namespace Vmspec.GuestKernels.Abi;

/// <summary>One expected member of a struct layout.</summary>
public sealed record AbiField(string Name, long Offset, long Size);

/// <summary>A named layout of struct kvm_vcpu_pv_apf_data.</summary>
public sealed record ApfDataLayout(string Verdict, long Size, IReadOnlyList<AbiField> Fields);

/// <summary>The classifier's answer: a layout's verdict, or "unknown" with what was found instead.</summary>
public sealed record ApfDataClassification(string Verdict, string Detail);

/// <summary>
/// The two layouts of the guest/host async #PF shared area (arch/x86/include/uapi/asm/kvm_para.h):
/// Linux 6.9 dropped the guest-only `enabled` field that had pushed the struct to 68 bytes.
/// </summary>
public static class ApfDataAbi
{
    public const string StructName = "kvm_vcpu_pv_apf_data";
    public const string Unknown = "unknown";

    public static ApfDataLayout Fixed64 { get; } = new("fixed-64", 64,
        [new("flags", 0, 4), new("token", 4, 4), new("pad", 8, 56)]);

    public static ApfDataLayout Legacy68 { get; } = new("legacy-68", 68,
        [new("flags", 0, 4), new("token", 4, 4), new("pad", 8, 56), new("enabled", 64, 4)]);

    public static IReadOnlyList<ApfDataLayout> Layouts { get; } = [Fixed64, Legacy68];

    /// <summary>Matches the struct's size and members (names, byte offsets, sizes, no bitfields) against each layout exactly.</summary>
    public static ApfDataClassification Classify(BtfStruct found)
    {
        foreach (var layout in Layouts)
            if (Matches(found, layout))
                return new(layout.Verdict, $"struct {StructName} matches the {layout.Verdict} layout");
        return new(Unknown, $"struct {StructName} is {found.Size} bytes with {Describe(found)}, matching neither fixed-64 nor legacy-68");
    }

    private static bool Matches(BtfStruct found, ApfDataLayout layout)
    {
        if (found.IsUnion || found.Size != layout.Size || found.Members.Count != layout.Fields.Count)
            return false;
        for (int i = 0; i < layout.Fields.Count; i++)
        {
            var (member, field) = (found.Members[i], layout.Fields[i]);
            if (member.Name != field.Name || member.IsBitfield || member.BitOffset != field.Offset * 8 || member.Size != field.Size)
                return false;
        }
        return true;
    }

    private static string Describe(BtfStruct found) =>
        found.Members.Count == 0
            ? "no members"
            : "members " + string.Join(", ", found.Members.Select(m =>
                $"{(m.Name.Length > 0 ? m.Name : "(anon)")}@{m.ByteOffset}{(m.BitOffset % 8 != 0 ? $"+{m.BitOffset % 8}b" : "")}:{m.Size}"));
}
