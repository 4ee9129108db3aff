using Vmspec.Abi.X86;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>The spellings of model enums in plan JSON (the same words the YAML uses).</summary>
internal static class PlanNames
{
    public static readonly IReadOnlyList<KeyValuePair<string, FeatureMode>> FeatureModes =
        [new("set", FeatureMode.Set), new("clear", FeatureMode.Clear), new("host", FeatureMode.Host)];

    public static readonly IReadOnlyList<KeyValuePair<string, CpuidRegister>> Registers =
        [new("eax", CpuidRegister.Eax), new("ebx", CpuidRegister.Ebx), new("ecx", CpuidRegister.Ecx), new("edx", CpuidRegister.Edx)];

    public static readonly IReadOnlyList<KeyValuePair<string, MsrOp>> Ops =
        [new("write", MsrOp.Write), new("read", MsrOp.Read)];

    public static readonly IReadOnlyList<KeyValuePair<string, AccessExpectation>> AccessExpectations =
        [new("oracle", AccessExpectation.Oracle), new("accept", AccessExpectation.Accept), new("gp", AccessExpectation.Gp)];

    public static string Of(FeatureMode v) => Name(FeatureModes, v);
    public static string Of(CpuidRegister v) => Name(Registers, v);
    public static string Of(MsrOp v) => Name(Ops, v);
    public static string Of(AccessExpectation v) => Name(AccessExpectations, v);

    private static string Name<T>(IReadOnlyList<KeyValuePair<string, T>> table, T value) where T : struct, Enum =>
        table.First(p => EqualityComparer<T>.Default.Equals(p.Value, value)).Key;
}
