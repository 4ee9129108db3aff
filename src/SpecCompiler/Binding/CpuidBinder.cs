using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;

namespace Vmspec.SpecCompiler.Binding;

/// <summary>Named PV features and raw bit-pattern modifiers, in a canonical order.</summary>
internal static class CpuidBinder
{
    private static readonly (string Name, CpuidRegister Register)[] Registers =
        [("eax", CpuidRegister.Eax), ("ebx", CpuidRegister.Ebx), ("ecx", CpuidRegister.Ecx), ("edx", CpuidRegister.Edx)];

    public static CpuidPlan Bind(YamlMapping? cpuid, Action<YamlNode, string, string> error)
    {
        var features = new List<KvmFeatureSetting>();
        foreach (var entry in Map(cpuid, "kvmFeatures")?.Entries ?? [])
        {
            var mode = Text(entry.Value) switch { "set" => FeatureMode.Set, "clear" => FeatureMode.Clear, _ => FeatureMode.Host };
            if (KvmPvFeatures.TryParse(entry.Key.Value, out var feature) && mode != FeatureMode.Host)
                features.Add(new KvmFeatureSetting(feature, mode));
        }

        var modifiers = new List<CpuidModifier>();
        var seen = new HashSet<(ulong, ulong)>();
        var items = Items(Get(cpuid, "modifiers"));
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"cpuid.modifiers[{i}]";
            if (Integer(Get(items[i], "leaf")) is not { } leaf || leaf > uint.MaxValue)
                continue;
            var subleaf = Integer(Get(items[i], "subleaf")) ?? 0;
            if (!seen.Add((leaf, subleaf)))
                error(items[i], path, $"leaf 0x{leaf:x} subleaf {subleaf} is modified twice; merge the entries");
            var registers = Registers.Where(r => Get(items[i], r.Name) is not null).ToArray();
            if (registers.Length == 0)
                error(items[i], path, "expected at least one of eax, ebx, ecx, edx");
            foreach (var (name, register) in registers)
            {
                if (Text(Get(items[i], name)) is { Length: 32 } pattern && pattern.All(c => c is '0' or '1' or 'x'))
                    modifiers.Add(FromPattern((uint)leaf, (uint)subleaf, register, pattern));
            }
        }
        return new CpuidPlan(
            features.OrderBy(f => f.Feature).ToArray(),
            modifiers.OrderBy(m => m.Leaf).ThenBy(m => m.Subleaf).ThenBy(m => m.Register).ToArray());
    }

    /// <summary>Character 0 is bit 31: '1' forces the bit on, '0' off, 'x' keeps the host's.</summary>
    private static CpuidModifier FromPattern(uint leaf, uint subleaf, CpuidRegister register, string pattern)
    {
        uint mask = 0, value = 0;
        for (var i = 0; i < 32; i++)
        {
            var bit = 1u << (31 - i);
            if (pattern[i] == 'x')
                continue;
            mask |= bit;
            if (pattern[i] == '1')
                value |= bit;
        }
        return new CpuidModifier(leaf, subleaf, register, mask, value);
    }
}
