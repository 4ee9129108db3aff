namespace Vmspec.SpecCompiler.Syntax;

/// <summary>The YAML files a directory compile reads: every *.yaml and *.yml below it, in ordinal path order.</summary>
internal static class YamlFiles
{
    public static IEnumerable<string> Below(string directory) =>
        Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.Join(directory, Path.GetRelativePath(directory, f)))
            .Order(StringComparer.Ordinal);
}
