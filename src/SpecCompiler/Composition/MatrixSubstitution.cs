using System.Text;
using System.Text.RegularExpressions;

namespace Vmspec.SpecCompiler.Composition;

/// <summary>
/// Replaces <c>${{ matrix.AXIS }}</c> in scalar values. <c>${{ matrix.AXIS.KEY }}</c> picks a member of a mapping-valued axis value.
/// A scalar that is only a reference becomes
/// the axis value node itself (so a value may be a mapping or a sequence); a reference inside a
/// longer string is replaced by the value's text and must name a scalar value. Keys are never
/// substituted. Runs on each file before the extends merge, so a base can supply defaults that a
/// substituted mapping only partly overrides.
/// </summary>
internal static partial class MatrixSubstitution
{
    // matrix.AXIS, or matrix.AXIS.KEY... to pick a member of a mapping-valued axis value.
    [GeneratedRegex(@"\$\{\{\s*matrix\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\$\{\{\s*matrix\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$")]
    private static partial Regex WholeReference();

    public static YamlMapping Apply(YamlMapping root, MatrixCase matrixCase, DiagnosticBag diagnostics)
    {
        var entries = root.Entries
            .Select(e => e.Key.Value is MatrixExpander.Key or ExtendsChain.Key
                ? e
                : new YamlEntry(e.Key, Substitute(e.Value, e.Key.Value, matrixCase, diagnostics)))
            .ToArray();
        return YamlMapping.Create(root.Location, entries);
    }

    // Recursion is bounded by the node height limit enforced when loading.
    private static YamlNode Substitute(YamlNode node, string path, MatrixCase matrixCase, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case YamlMapping mapping:
                return YamlMapping.Create(mapping.Location, mapping.Entries
                    .Select(e => new YamlEntry(e.Key, Substitute(e.Value, $"{path}.{e.Key.Value}", matrixCase, diagnostics)))
                    .ToArray());
            case YamlSequence sequence:
                return YamlSequence.Create(sequence.Location, sequence.Items
                    .Select((item, i) => Substitute(item, $"{path}[{i}]", matrixCase, diagnostics))
                    .ToArray());
            case YamlScalar scalar when scalar.Value.Contains("${{", StringComparison.Ordinal):
                return SubstituteScalar(scalar, path, matrixCase, diagnostics);
            default:
                return node;
        }
    }

    private static YamlNode SubstituteScalar(YamlScalar scalar, string path, MatrixCase matrixCase, DiagnosticBag diagnostics)
    {
        var whole = WholeReference().Match(scalar.Value);
        if (whole.Success)
            return Lookup(whole.Groups[1].Value, scalar, path, matrixCase, diagnostics) ?? scalar;

        var text = new StringBuilder();
        var last = 0;
        foreach (Match m in Reference().Matches(scalar.Value))
        {
            text.Append(scalar.Value, last, m.Index - last);
            var value = Lookup(m.Groups[1].Value, scalar, path, matrixCase, diagnostics);
            if (value is YamlScalar s)
                text.Append(s.Value);
            else if (value is not null)
                diagnostics.Add(scalar.Location, path, $"matrix axis '{m.Groups[1].Value}' has a structured value here; only a whole-scalar reference can insert it");
            last = m.Index + m.Length;
        }
        text.Append(scalar.Value, last, scalar.Value.Length - last);
        var result = text.ToString();
        if (result.Contains("${{", StringComparison.Ordinal))
            diagnostics.Add(scalar.Location, path, "malformed matrix reference; expected ${{ matrix.AXIS }}");
        return scalar with { Value = result };
    }

    private static YamlNode? Lookup(string reference, YamlScalar at, string path, MatrixCase matrixCase, DiagnosticBag diagnostics)
    {
        var parts = reference.Split('.');
        var axis = parts[0];
        var binding = matrixCase.Bindings.FirstOrDefault(b => b.Axis == axis);
        if (binding is not null)
        {
            var node = binding.Value;
            foreach (var key in parts.Skip(1))
            {
                node = (node as YamlMapping)?.Find(key)?.Value!;
                if (node is null)
                {
                    diagnostics.Add(at.Location, path, $"value '{binding.ValueName}' of matrix axis '{axis}' has no key '{key}' (in matrix.{reference})");
                    return null;
                }
            }
            return node;
        }
        diagnostics.Add(at.Location, path, matrixCase.Bindings.Count == 0
            ? $"refers to matrix axis '{axis}' but the spec declares no matrix"
            : $"no matrix axis named '{axis}'; axes: {string.Join(", ", matrixCase.Bindings.Select(b => b.Axis))}");
        return null;
    }
}
