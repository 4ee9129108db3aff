namespace Vmspec.SpecCompiler.Syntax;

/// <summary>The YAML files a directory compile reads: every *.yaml and *.yml, in ordinal path order.</summary>
internal static class YamlFiles
{
    /// <summary>Every *.yaml and *.yml below <paramref name="directory"/>, subdirectories included.</summary>
    public static IEnumerable<string> Below(string directory) => Find(directory, SearchOption.AllDirectories);

    /// <summary>Every *.yaml and *.yml directly in <paramref name="directory"/>.</summary>
    public static IEnumerable<string> In(string directory) => Find(directory, SearchOption.TopDirectoryOnly);

    private static IEnumerable<string> Find(string directory, SearchOption option) =>
        Directory.EnumerateFiles(directory, "*.*", option)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.Join(directory, Path.GetRelativePath(directory, f)))
            .Order(StringComparer.Ordinal);
}
