namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// The one place that decides which YAML files among the specs are specs. Host kernels
/// (<c>kind: HostKernel</c>) live in specs/hosts/ but are no specs: directory compiles
/// (<see cref="SpecCompilation.CompileDirectory"/>, hence <c>vmspec verify specs</c>) and the
/// wildcards of image definitions pass over them, wherever they are. Everything else, including
/// files that do not load, is compiled as a spec and reports its own errors.
/// </summary>
internal static class SpecFiles
{
    /// <summary>The specs below <paramref name="directory"/> (subdirectories included), in ordinal path order.</summary>
    public static IEnumerable<string> Below(string directory) => YamlFiles.Below(directory).Where(IsSpec);

    /// <summary>False only for a file that loads and says <c>kind: HostKernel</c>.</summary>
    public static bool IsSpec(string file) => !IsHostKernel(file);

    /// <summary>True for a file that loads and says <c>kind: HostKernel</c>.</summary>
    public static bool IsHostKernel(string file) => KindOf(file) == HostLanguage.HostKind;

    /// <summary>The top-level <c>kind</c> of a YAML file, or null when it has none or does not load (no diagnostics: compiling the file reports them).</summary>
    public static string? KindOf(string file)
    {
        var ignored = new DiagnosticBag();
        return SourceText.Read(file, ignored) is { } text && YamlLoader.Load(file, text, ignored) is YamlMapping root
            ? Text(root.Find("kind")?.Value)
            : null;
    }
}
