using Vmspec.Runtime.Cpuid;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>A plan's CPUID as the edits VmBuilder applies to KVM_GET_SUPPORTED_CPUID before KVM_SET_CPUID2.</summary>
public static class CaseCpuid
{
    public static IReadOnlyList<CpuidEdit> Edits(CpuidPlan cpuid)
    {
        var edits = new List<CpuidEdit>();
        foreach (var setting in cpuid.KvmFeatures)
        {
            if (setting.Mode == FeatureMode.Set)
                edits.Add(CpuidEdit.SetPvFeature(setting.Feature));
            else if (setting.Mode == FeatureMode.Clear)
                edits.Add(CpuidEdit.ClearPvFeature(setting.Feature));
        }
        // A modifier means reg = (reg & ~Mask) | Value: set the masked ones, clear the masked zeros.
        foreach (var modifier in cpuid.Modifiers)
            edits.Add(new CpuidEdit(modifier.Leaf, modifier.Subleaf, modifier.Register,
                modifier.Value & modifier.Mask, modifier.Mask & ~modifier.Value));
        return edits;
    }
}
