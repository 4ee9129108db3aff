namespace Vmspec.Images;

/// <summary>
/// Puts layer entries in their one canonical order: every parent directory present (implied ones
/// added), duplicates refused, sorted by ordinal path so parents precede children.
/// </summary>
internal static class LayerPlan
{
    public static IReadOnlyList<LayerEntry> Create(IEnumerable<LayerEntry> entries)
    {
        var byPath = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (byPath.TryGetValue(entry.Path, out var existing))
            {
                // The same directory named twice (e.g. by two packages) is harmless; anything else is ambiguous.
                if (existing.Kind == LayerEntryKind.Directory && entry.Kind == LayerEntryKind.Directory && existing.Mode == entry.Mode)
                {
                    continue;
                }

                throw new ImageBuildException($"layer path '{entry.Path}' is given twice");
            }

            byPath.Add(entry.Path, entry);
        }

        foreach (var entry in byPath.Values.ToList())
        {
            foreach (var ancestor in LayerPath.Ancestors(entry.Path))
            {
                if (!byPath.TryGetValue(ancestor, out var parent))
                {
                    byPath.Add(ancestor, LayerEntry.Directory(ancestor));
                }
                else if (parent.Kind != LayerEntryKind.Directory)
                {
                    throw new ImageBuildException($"layer path '{entry.Path}' needs '{ancestor}' to be a directory, but it is a {parent.Kind.ToString().ToLowerInvariant()}");
                }
            }
        }

        var ordered = byPath.Values.ToList();
        ordered.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return ordered;
    }
}
