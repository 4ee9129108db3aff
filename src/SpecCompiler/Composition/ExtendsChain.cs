namespace Vmspec.SpecCompiler.Composition;

/// <summary>
/// Loads a spec and the bases named by its <c>extends:</c> (a path relative to the file that
/// names it), transitively. Cycles and chains deeper than <see cref="SyntaxLimits.MaxExtendsDepth"/>
/// are errors.
/// </summary>
internal static class ExtendsChain
{
    public const string Key = "extends";

    /// <summary>Returns the chain ordered base-most first, leaf last; null when any file failed.</summary>
    /// <param name="leafText">the leaf's text when it does not come from disk; bases always do</param>
    public static IReadOnlyList<SpecSource>? Load(string path, DiagnosticBag diagnostics, string? leafText = null)
    {
        var chain = new List<SpecSource>();
        var visited = new List<string>();
        var display = path;
        SourceLocation? requestedAt = null;
        while (true)
        {
            var fullPath = Path.GetFullPath(display);
            if (visited.Contains(fullPath, StringComparer.Ordinal))
            {
                var cycle = string.Join(" -> ", chain.Select(s => s.File).Reverse().Append(display));
                diagnostics.Add(requestedAt!.Value, Key, $"extends cycle: {cycle}");
                return null;
            }
            if (visited.Count > SyntaxLimits.MaxExtendsDepth)
            {
                diagnostics.Add(requestedAt!.Value, Key, $"more than {SyntaxLimits.MaxExtendsDepth} levels of extends");
                return null;
            }
            visited.Add(fullPath);

            var text = requestedAt is null && leafText is not null ? leafText : SourceText.Read(display, fullPath, requestedAt, requestedAt is null ? "" : Key, diagnostics);
            if (text is null)
                return null;
            if (YamlLoader.LoadMapping(display, text, "a spec", diagnostics) is not { } root)
                return null;
            chain.Insert(0, new SpecSource(display, root));

            var extends = root.Find(Key);
            if (extends is null)
                return chain;
            if (extends.Value is not YamlScalar { IsNull: false } target || target.Value.Length == 0)
            {
                diagnostics.Add(extends.Value.Location, Key,
                    $"expected a relative path to a base spec, found {extends.Value.KindName}");
                return null;
            }
            if (!PathText.IsUsable(target.Value))
            {
                diagnostics.Add(target.Location, Key, "expected a relative path to a base spec, found a path with control characters");
                return null;
            }
            if (Path.IsPathRooted(target.Value))
            {
                diagnostics.Add(target.Location, Key, $"expected a path relative to this file, found absolute path '{target.Value}'");
                return null;
            }
            display = Path.Join(Path.GetDirectoryName(display), target.Value);
            requestedAt = target.Location;
        }
    }
}
