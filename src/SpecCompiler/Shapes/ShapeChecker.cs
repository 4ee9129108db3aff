using System.Text.RegularExpressions;

namespace Vmspec.SpecCompiler.Shapes;

/// <summary>
/// Checks a YAML tree against a <see cref="Shape"/>: unknown and missing keys, wrong kinds,
/// out-of-range numbers, bad enum values and patterns. Reports every problem, not the first.
/// </summary>
internal sealed class ShapeChecker(DiagnosticBag diagnostics, bool requireFields)
{
    public void Check(YamlNode node, Shape shape, string path)
    {
        switch (shape)
        {
            case ObjectShape o: CheckObject(node, o, path, o.Fields); break;
            case DiscriminatedShape d: CheckDiscriminated(node, d, path); break;
            case MapShape m: CheckMap(node, m, path); break;
            case ListShape l: CheckList(node, l, path); break;
            case AnyShape: break;
            default:
                if (!AcceptsScalar(node, shape))
                    Report(node, path, $"expected {Expected(shape)}, found {node.KindName}");
                break;
        }
    }

    private void CheckObject(YamlNode node, ObjectShape shape, string path, IReadOnlyList<Field> fields)
    {
        if (node is not YamlMapping mapping)
        {
            Report(node, path, $"expected a mapping, found {node.KindName}");
            return;
        }
        foreach (var entry in mapping.Entries)
        {
            var field = fields.FirstOrDefault(f => f.Name == entry.Key.Value);
            if (field is null)
                Report(entry.Key, Join(path, entry.Key.Value), $"unknown key; expected one of: {string.Join(", ", fields.Select(f => f.Name))}");
            else
                Check(entry.Value, field.Shape, Join(path, field.Name));
        }
        if (!requireFields)
            return;
        foreach (var field in fields.Where(f => f.Required && mapping.Find(f.Name) is null))
            Report(mapping, Join(path, field.Name), "missing required key");
        if (shape.ExactlyOneOf is { } group && group.Count(k => mapping.Find(k) is not null) != 1)
            Report(mapping, path, $"expected exactly one of: {string.Join(", ", group)}");
    }

    private void CheckDiscriminated(YamlNode node, DiscriminatedShape shape, string path)
    {
        if (node is not YamlMapping mapping)
        {
            Report(node, path, $"expected a mapping, found {node.KindName}");
            return;
        }
        var names = string.Join(", ", shape.Cases.Select(c => c.Key));
        var selector = mapping.Find(shape.Discriminator);
        if (selector is null)
        {
            Report(mapping, Join(path, shape.Discriminator), $"missing required key (one of: {names})");
            return;
        }
        var chosen = shape.Cases.FirstOrDefault(c => c.Key == ScalarParsers.Text(selector.Value));
        if (chosen.Value is null)
        {
            Report(selector.Value, Join(path, shape.Discriminator), $"expected one of: {names}, found {selector.Value.KindName}");
            return;
        }
        CheckObject(mapping, chosen.Value, path, chosen.Value.Fields);
    }

    private void CheckMap(YamlNode node, MapShape shape, string path)
    {
        if (node is not YamlMapping mapping)
        {
            Report(node, path, $"expected a mapping, found {node.KindName}");
            return;
        }
        foreach (var entry in mapping.Entries)
        {
            var key = entry.Key.Value;
            var keyPath = Join(path, key);
            if (shape.Keys is { } keys && !keys.Contains(key))
                Report(entry.Key, keyPath, $"unknown key; expected one of: {string.Join(", ", keys)}");
            else if (shape.KeyPattern is { } pattern && !Regex.IsMatch(key, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                Report(entry.Key, keyPath, $"key must match {pattern}");
            else
                Check(entry.Value, shape.Values, keyPath);
        }
    }

    private void CheckList(YamlNode node, ListShape shape, string path)
    {
        if (node is not YamlSequence list)
        {
            Report(node, path, $"expected a sequence, found {node.KindName}");
            return;
        }
        if (list.Items.Count < shape.MinItems || list.Items.Count > shape.MaxItems)
            Report(list, path, $"expected {shape.MinItems} to {shape.MaxItems} items, found {list.Items.Count}");
        for (var i = 0; i < list.Items.Count; i++)
            Check(list.Items[i], shape.Items, $"{path}[{i}]");
    }

    /// <summary>Whether a scalar node satisfies a scalar shape.</summary>
    public static bool AcceptsScalar(YamlNode node, Shape shape) => shape switch
    {
        IntegerShape i => ScalarParsers.Integer(node) is { } v && v >= i.Min && v <= i.Max && (i.Allowed is null || i.Allowed.Contains(v)),
        BooleanShape => ScalarParsers.Boolean(node) is not null,
        EnumShape e => ScalarParsers.Text(node) is { } t && e.Values.Contains(t),
        StringShape s => ScalarParsers.Text(node) is { } t && t.Length <= s.MaxLength
            && (s.Pattern is null || Regex.IsMatch(t, s.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1))),
        SizeShape z => ScalarParsers.ByteSize(node) is { } b && b >= z.Min && b <= z.Max,
        DurationShape d => ScalarParsers.Milliseconds(node) is { } ms && ms >= d.MinMs && ms <= d.MaxMs,
        AnyOfShape a => a.Alternatives.Any(alt => AcceptsScalar(node, alt)),
        _ => false,
    };

    /// <summary>What a scalar shape wants, in words, for "expected ..., found ..." messages.</summary>
    public static string Expected(Shape shape) => shape switch
    {
        IntegerShape { Allowed: { } allowed } => $"one of the integers {string.Join(", ", allowed)}",
        IntegerShape i when i.Max == ulong.MaxValue => $"an unsigned integer >= {i.Min} (decimal or 0x hex, unquoted)",
        IntegerShape i => $"an integer from {i.Min} to {i.Max} (decimal or 0x hex, unquoted)",
        BooleanShape => "true or false (unquoted)",
        EnumShape e => $"one of: {string.Join(", ", e.Values)}",
        StringShape { Pattern: { } p } s => $"a string matching {p} of at most {s.MaxLength} characters",
        StringShape s => $"a string of at most {s.MaxLength} characters",
        SizeShape z => $"a size from {z.Min} to {z.Max} bytes (bytes, or a number with B, KiB, MiB or GiB)",
        DurationShape d => $"a duration from {d.MinMs} to {d.MaxMs} ms (milliseconds, or a number with ms or s)",
        AnyOfShape a => string.Join(", or ", a.Alternatives.Select(Expected)),
        _ => shape.Description,
    };

    private void Report(YamlNode at, string path, string message) => diagnostics.Add(at.Location, path, message);

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
