using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;

namespace Vmspec.Runtime.Cpuid;

/// <summary>The CPUID a vCPU will see: KVM_GET_SUPPORTED_CPUID plus edits, with x2APIC forced on as the prototype does.</summary>
public sealed class CpuidTable
{
    public const uint X2ApicLeaf = 1;
    public const uint X2ApicEcxBit = 1u << 21;

    private readonly KvmCpuidEntry2[] _entries;

    public CpuidTable(ReadOnlySpan<KvmCpuidEntry2> supported) => _entries = supported.ToArray();

    public IReadOnlyList<KvmCpuidEntry2> Entries => _entries;

    public KvmCpuidEntry2? Find(uint leaf, uint subleaf = 0)
    {
        int i = IndexOf(leaf, subleaf);
        return i < 0 ? null : _entries[i];
    }

    /// <summary>Applies an edit; an edit of a leaf KVM does not offer is an error (there is nothing to edit).</summary>
    public CpuidTable Apply(CpuidEdit edit)
    {
        int i = IndexOf(edit.Leaf, edit.Subleaf);
        if (i < 0) throw new ArgumentException($"CPUID leaf 0x{edit.Leaf:x} subleaf 0x{edit.Subleaf:x} is not in the supported CPUID");
        ref KvmCpuidEntry2 e = ref _entries[i];
        switch (edit.Register)
        {
            case CpuidRegister.Eax: e.Eax = edit.Apply(e.Eax); break;
            case CpuidRegister.Ebx: e.Ebx = edit.Apply(e.Ebx); break;
            case CpuidRegister.Ecx: e.Ecx = edit.Apply(e.Ecx); break;
            case CpuidRegister.Edx: e.Edx = edit.Apply(e.Edx); break;
        }
        return this;
    }

    public CpuidTable ApplyAll(IEnumerable<CpuidEdit> edits)
    {
        foreach (var edit in edits) Apply(edit);
        return this;
    }

    /// <summary>Sets leaf 1 ECX bit 21 so the guest may enable x2APIC (KVM emulates it with the in-kernel LAPIC).</summary>
    public CpuidTable ForceX2Apic() => Apply(CpuidEdit.Set(X2ApicLeaf, CpuidRegister.Ecx, X2ApicEcxBit));

    /// <summary>Leaf 0x40000001 EAX, or 0 when KVM offers no PV leaf.</summary>
    public uint PvFeatures => Find(KvmPvFeatures.Leaf)?.Eax ?? 0;

    public KvmCpuidEntry2[] ToArray() => (KvmCpuidEntry2[])_entries.Clone();

    private int IndexOf(uint leaf, uint subleaf)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            var e = _entries[i];
            bool indexMatters = (e.Flags & KvmCpuidEntry2.FlagSignificantIndex) != 0;
            if (e.Function == leaf && (!indexMatters || e.Index == subleaf)) return i;
        }
        return -1;
    }
}
