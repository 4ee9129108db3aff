namespace Vmspec.SpecCompiler.Syntax;

/// <summary>
/// A YAML node with the position it came from. Later phases (extends merge, matrix substitution)
/// build new trees from these but keep every node's original position for diagnostics.
/// </summary>
internal abstract record YamlNode(SourceLocation Location)
{
    /// <summary>Number of nodes in this subtree (aliases counted as expanded).</summary>
    public abstract int Size { get; }

    /// <summary>Longest path from this node to a leaf, in nodes.</summary>
    public abstract int Height { get; }

    public abstract string KindName { get; }
}

/// <summary>A scalar. <see cref="IsPlain"/> is false for quoted and block scalars, which are always strings.</summary>
internal sealed record YamlScalar(SourceLocation Location, string Value, bool IsPlain) : YamlNode(Location)
{
    public override int Size => 1;
    public override int Height => 1;
    public override string KindName => IsNull ? "null" : IsPlain ? $"'{Value}'" : $"string '{Value}'";

    /// <summary>YAML 1.2 core-schema null: an empty plain scalar, ~ or null.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlMapping(SourceLocation Location, IReadOnlyList<YamlEntry> Entries, int SubtreeSize, int SubtreeHeight)
    : YamlNode(Location)
{
    public override int Size => SubtreeSize;
    public override int Height => SubtreeHeight;
    public override string KindName => "a mapping";

    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Value == key)
                return entry;
        }
        return null;
    }

    public static YamlMapping Create(SourceLocation location, IReadOnlyList<YamlEntry> entries) =>
        new(location, entries,
            Saturate(1 + entries.Sum(e => 1L + e.Value.Size)),
            1 + entries.Select(e => e.Value.Height).DefaultIfEmpty(0).Max());

    /// <summary>Sizes saturate instead of overflowing, so repeated substitution cannot wrap them.</summary>
    internal static int Saturate(long size) => (int)Math.Min(size, int.MaxValue);
}

internal sealed record YamlEntry(YamlScalar Key, YamlNode Value);

internal sealed record YamlSequence(SourceLocation Location, IReadOnlyList<YamlNode> Items, int SubtreeSize, int SubtreeHeight)
    : YamlNode(Location)
{
    public override int Size => SubtreeSize;
    public override int Height => SubtreeHeight;
    public override string KindName => "a sequence";

    public static YamlSequence Create(SourceLocation location, IReadOnlyList<YamlNode> items) =>
        new(location, items,
            YamlMapping.Saturate(1 + items.Sum(i => (long)i.Size)),
            1 + items.Select(i => i.Height).DefaultIfEmpty(0).Max());
}
