using System.Text.RegularExpressions;

namespace Vmspec.Images;

/// <summary>
/// The part of a package layer an image keeps (image.base.keep): the files the patterns name and everything they need to
/// run: each symbolic link's target, and each ELF file's interpreter and DT_NEEDED libraries, looked up as Debian's
/// dynamic loader does in the multiarch library folders. Directories come back implied by what is kept
/// (<see cref="LayerPlan"/> adds them). A pattern that matches nothing, or a library found in no package, is an error:
/// the image would not run.
/// </summary>
internal static class KeptFiles
{
    /// <summary>Where ld.so looks for a DT_NEEDED soname on Debian x86-64 (no RUNPATH in Debian's packages).</summary>
    private static readonly string[] LibraryFolders = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib"];

    public static IReadOnlyList<LayerEntry> Select(IReadOnlyList<LayerEntry> entries, IReadOnlyList<string> patterns)
    {
        var byPath = entries.Where(e => e.Kind != LayerEntryKind.Directory).ToDictionary(e => e.Path, StringComparer.Ordinal);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Path, string Why)>();
        foreach (var pattern in patterns)
        {
            var matcher = Glob(pattern);
            var matches = byPath.Keys.Where(p => matcher.IsMatch(p)).Order(StringComparer.Ordinal).ToList();
            if (matches.Count == 0)
                throw new ImageBuildException($"image.base.keep: '{pattern}' matches no file of the packages");
            foreach (var match in matches)
                pending.Push((match, $"kept by '{pattern}'"));
        }

        while (pending.TryPop(out var next))
        {
            if (!kept.Add(next.Path))
                continue;
            var entry = byPath.TryGetValue(next.Path, out var found) ? found
                : throw new ImageBuildException($"image.base.keep: '{next.Path}' ({next.Why}) is in none of the packages");
            if (entry.Kind == LayerEntryKind.Symlink)
            {
                pending.Push((Resolve(entry.Path, entry.LinkTarget!), $"the target of {entry.Path}"));
                continue;
            }
            var (interpreter, needed) = ElfNeeds.Read(entry.Content.Span, entry.Path);
            if (interpreter is not null)
                pending.Push((interpreter.TrimStart('/'), $"the interpreter of {entry.Path}"));
            foreach (var soname in needed)
            {
                var library = LibraryFolders.Select(folder => $"{folder}/{soname}").FirstOrDefault(byPath.ContainsKey)
                    ?? throw new ImageBuildException($"image.base.keep: {entry.Path} needs {soname}, which none of the packages has in {string.Join(", ", LibraryFolders)}; add its package");
                pending.Push((library, $"needed by {entry.Path}"));
            }
        }
        return entries.Where(e => kept.Contains(e.Path)).ToList();
    }

    /// <summary>A symbolic link's target as a layer path: absolute from the root, relative from the link's folder.</summary>
    internal static string Resolve(string link, string target)
    {
        var parts = target.StartsWith('/') ? new List<string>() : link.Split('/')[..^1].ToList();
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    /// <summary>'*' matches within one path segment; everything else stands for itself.</summary>
    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
