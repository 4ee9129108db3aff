using System.Text.RegularExpressions;

namespace Vmspec.SpecCompiler.Composition;

/// <summary>
/// Reads the leaf spec's <c>matrix:</c> and lists its cases: the cartesian product of the axes,
/// minus <c>exclude</c> entries (partial matches), plus <c>include</c> entries (full combinations).
/// An axis is either a sequence of scalars (each scalar is its own name) or a mapping from value
/// names to values of any shape.
/// </summary>
internal static partial class MatrixExpander
{
    public const string Key = "matrix";
    public const int MaxCases = 4096;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    public static partial Regex AxisName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex ValueName();

    private sealed record Axis(string Name, IReadOnlyList<(string Name, YamlNode Value)> Values);

    /// <summary>The cases, or null when the matrix is invalid (errors reported).</summary>
    public static IReadOnlyList<MatrixCase>? Expand(SpecSource leaf, IReadOnlyList<SpecSource> bases, DiagnosticBag diagnostics)
    {
        foreach (var b in bases)
        {
            if (b.Root.Find(Key) is { } misplaced)
                diagnostics.Add(misplaced.Key.Location, Key, "only the spec being compiled may declare a matrix, not a base it extends");
        }
        var entry = leaf.Root.Find(Key);
        if (entry is null)
            return [MatrixCase.Single];
        if (entry.Value is not YamlMapping matrix)
            return Fail(diagnostics, entry.Value, Key, $"expected a mapping with axes, include and exclude, found {entry.Value.KindName}");

        var errorsBefore = diagnostics.Count;
        foreach (var e in matrix.Entries)
        {
            if (e.Key.Value is not ("axes" or "include" or "exclude"))
                diagnostics.Add(e.Key.Location, $"{Key}.{e.Key.Value}", "unknown key; expected one of axes, include, exclude");
        }
        var axes = ReadAxes(matrix.Find("axes"), matrix, diagnostics);
        if (axes is null || diagnostics.Count != errorsBefore)
            return null;
        var excludes = ReadCombinations(matrix.Find("exclude"), "exclude", axes, requireAll: false, diagnostics);
        var includes = ReadCombinations(matrix.Find("include"), "include", axes, requireAll: true, diagnostics);
        if (excludes is null || includes is null)
            return null;

        var caseCount = axes.Aggregate(1L, (n, a) => Math.Min(n * a.Values.Count, MaxCases + 1L));
        if (caseCount + includes.Count > MaxCases)
            return Fail(diagnostics, entry.Value, Key, $"expands to more than {MaxCases} cases");

        var cases = new List<Dictionary<string, string>>();
        foreach (var combination in Product(axes))
        {
            if (!excludes.Any(ex => ex.All(p => combination[p.Key] == p.Value)))
                cases.Add(combination);
        }
        foreach (var (include, location) in includes.Zip(IncludeLocations(matrix)))
        {
            if (cases.Any(c => c.All(p => include[p.Key] == p.Value)))
                diagnostics.Add(location, $"{Key}.include", "this combination is already a case of the matrix");
            else
                cases.Add(include);
        }
        if (cases.Count == 0)
            return Fail(diagnostics, entry.Value, Key, "every combination is excluded; the matrix has no cases");

        var sortedAxes = axes.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
        return cases
            .Select(c => new MatrixCase(sortedAxes
                .Select(a => new MatrixBinding(a.Name, c[a.Name], a.Values.First(v => v.Name == c[a.Name]).Value))
                .ToArray()))
            .ToArray();
    }

    private static IReadOnlyList<Axis>? ReadAxes(YamlEntry? entry, YamlMapping matrix, DiagnosticBag diagnostics)
    {
        if (entry is null)
            return Fail<IReadOnlyList<Axis>>(diagnostics, matrix, $"{Key}.axes", "missing required key");
        if (entry.Value is not YamlMapping { Entries.Count: > 0 } axesNode)
            return Fail<IReadOnlyList<Axis>>(diagnostics, entry.Value, $"{Key}.axes", $"expected a non-empty mapping of axis names to values, found {entry.Value.KindName}");

        var axes = new List<Axis>();
        foreach (var axisEntry in axesNode.Entries)
        {
            var path = $"{Key}.axes.{axisEntry.Key.Value}";
            if (!AxisName().IsMatch(axisEntry.Key.Value))
                diagnostics.Add(axisEntry.Key.Location, path, "expected an axis name of lower-case letters, digits and '-'");
            var values = new List<(string, YamlNode)>();
            switch (axisEntry.Value)
            {
                case YamlSequence { Items.Count: > 0 } list:
                    foreach (var item in list.Items)
                    {
                        if (item is YamlScalar { IsNull: false } scalar)
                            values.Add((scalar.Value, scalar));
                        else
                            diagnostics.Add(item.Location, path, $"expected a scalar value (use a mapping axis for structured values), found {item.KindName}");
                    }
                    break;
                case YamlMapping { Entries.Count: > 0 } named:
                    values.AddRange(named.Entries.Select(e => (e.Key.Value, e.Value)));
                    break;
                default:
                    diagnostics.Add(axisEntry.Value.Location, path, $"expected a non-empty sequence of values or mapping of named values, found {axisEntry.Value.KindName}");
                    continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, node) in values)
            {
                if (!ValueName().IsMatch(name))
                    diagnostics.Add(node.Location, path, $"value name '{name}' must be letters, digits, '.', '_' or '-' (it becomes part of the case name)");
                else if (!seen.Add(name))
                    diagnostics.Add(node.Location, path, $"duplicate value '{name}'");
            }
            axes.Add(new Axis(axisEntry.Key.Value, values));
        }
        return axes;
    }

    private static List<Dictionary<string, string>>? ReadCombinations(
        YamlEntry? entry, string key, IReadOnlyList<Axis> axes, bool requireAll, DiagnosticBag diagnostics)
    {
        var result = new List<Dictionary<string, string>>();
        if (entry is null)
            return result;
        var path = $"{Key}.{key}";
        if (entry.Value is not YamlSequence list)
            return Fail<List<Dictionary<string, string>>>(diagnostics, entry.Value, path, $"expected a sequence of axis-to-value mappings, found {entry.Value.KindName}");
        var ok = true;
        foreach (var item in list.Items)
        {
            if (item is not YamlMapping { Entries.Count: > 0 } combination)
            {
                diagnostics.Add(item.Location, path, $"expected a mapping of axis names to value names, found {item.KindName}");
                ok = false;
                continue;
            }
            var picked = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in combination.Entries)
            {
                var axis = axes.FirstOrDefault(a => a.Name == pair.Key.Value);
                if (axis is null)
                {
                    diagnostics.Add(pair.Key.Location, $"{path}.{pair.Key.Value}", $"no axis named '{pair.Key.Value}'; axes: {string.Join(", ", axes.Select(a => a.Name))}");
                    ok = false;
                }
                else if (pair.Value is not YamlScalar value || axis.Values.All(v => v.Name != value.Value))
                {
                    diagnostics.Add(pair.Value.Location, $"{path}.{pair.Key.Value}",
                        $"expected one of {string.Join(", ", axis.Values.Select(v => v.Name))}, found {pair.Value.KindName}");
                    ok = false;
                }
                else
                {
                    picked[axis.Name] = value.Value;
                }
            }
            if (requireAll && ok && picked.Count != axes.Count)
            {
                diagnostics.Add(item.Location, path, $"an include entry names a value for every axis ({string.Join(", ", axes.Select(a => a.Name))})");
                ok = false;
            }
            result.Add(picked);
        }
        return ok ? result : null;
    }

    private static IEnumerable<SourceLocation> IncludeLocations(YamlMapping matrix) =>
        matrix.Find("include")?.Value is YamlSequence list ? list.Items.Select(i => i.Location) : [];

    private static IEnumerable<Dictionary<string, string>> Product(IReadOnlyList<Axis> axes)
    {
        IEnumerable<Dictionary<string, string>> combos = [new Dictionary<string, string>(StringComparer.Ordinal)];
        foreach (var axis in axes)
        {
            var current = axis;
            combos = combos.SelectMany(c => current.Values.Select(v => new Dictionary<string, string>(c, StringComparer.Ordinal) { [current.Name] = v.Name }));
        }
        return combos;
    }

    private static T? Fail<T>(DiagnosticBag diagnostics, YamlNode at, string path, string message) where T : class
    {
        diagnostics.Add(at.Location, path, message);
        return null;
    }

    private static IReadOnlyList<MatrixCase>? Fail(DiagnosticBag diagnostics, YamlNode at, string path, string message) =>
        Fail<IReadOnlyList<MatrixCase>>(diagnostics, at, path, message);
}
