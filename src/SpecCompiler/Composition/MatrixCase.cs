namespace Vmspec.SpecCompiler.Composition;

/// <summary>One value chosen for one axis: its name (used in case names) and the node substituted.</summary>
internal sealed record MatrixBinding(string Axis, string ValueName, YamlNode Value);

/// <summary>One combination of axis values; bindings sorted by axis name.</summary>
internal sealed record MatrixCase(IReadOnlyList<MatrixBinding> Bindings)
{
    public static readonly MatrixCase Single = new([]);

    /// <summary><c>spec[axis=value,...]</c>, or just the spec name without a matrix.</summary>
    public string NameFor(string specName) =>
        Bindings.Count == 0
            ? specName
            : $"{specName}[{string.Join(",", Bindings.Select(b => $"{b.Axis}={b.ValueName}"))}]";
}
