using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Btf;

namespace Vmspec.GuestKernels.Abi;

/// <summary>The classifier's answer: a layout's name, or "unknown" with what was found instead.</summary>
public sealed record ApfDataClassification(string Verdict, string Detail);

/// <summary>Which of the <see cref="ApfDataLayouts"/> a kernel's BTF <c>struct kvm_vcpu_pv_apf_data</c> has.</summary>
public static class ApfDataClassifier
{
    /// <summary>Matches the struct's size and members (names, byte offsets, sizes, no bitfields) against each layout exactly.</summary>
    public static ApfDataClassification Classify(BtfStruct found)
    {
        foreach (var layout in ApfDataLayouts.All)
            if (Matches(found, layout))
                return new(layout.Name, $"struct {ApfDataLayouts.StructName} matches the {layout.Name} layout");
        return new(ApfDataLayouts.UnknownName, $"struct {ApfDataLayouts.StructName} is {found.Size} bytes with {Describe(found)}, matching neither {string.Join(" nor ", ApfDataLayouts.All.Select(l => l.Name))}");
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
