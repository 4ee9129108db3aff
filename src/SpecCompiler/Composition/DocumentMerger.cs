namespace Vmspec.SpecCompiler.Composition;

/// <summary>
/// Deep merge for <c>extends</c>: mappings merge key by key, the child wins for everything else
/// (scalars and sequences are replaced whole). Nodes keep their own file positions.
/// </summary>
internal static class DocumentMerger
{
    public static YamlMapping Merge(YamlMapping parent, YamlMapping child)
    {
        var entries = new List<YamlEntry>(parent.Entries.Count + child.Entries.Count);
        foreach (var entry in parent.Entries)
        {
            var overriding = child.Find(entry.Key.Value);
            if (overriding is null)
                entries.Add(entry);
            else if (entry.Value is YamlMapping parentValue && overriding.Value is YamlMapping childValue)
                entries.Add(new YamlEntry(overriding.Key, Merge(parentValue, childValue)));
            else
                entries.Add(overriding);
        }
        foreach (var entry in child.Entries)
        {
            if (parent.Find(entry.Key.Value) is null)
                entries.Add(entry);
        }
        return YamlMapping.Create(child.Location, entries);
    }

    /// <summary>The same mapping without the named top-level keys.</summary>
    public static YamlMapping Without(YamlMapping mapping, params string[] keys) =>
        YamlMapping.Create(mapping.Location, mapping.Entries.Where(e => !keys.Contains(e.Key.Value)).ToArray());
}
