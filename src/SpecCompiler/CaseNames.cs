namespace Vmspec.SpecCompiler;

/// <summary>
/// The rule that a case name belongs to one spec file, wherever cases are gathered (a directory, the paths a user
/// names, an image's globs): the same file gathered twice yields its cases once; a second file producing a taken
/// name is an error, which the caller reports where it can point.
/// </summary>
public sealed class CaseNames
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    /// <summary>Claims the case's name for its spec file.</summary>
    /// <param name="takenBy">When the name was taken: the other spec file, as it was given; null when it is this case's own file.</param>
    /// <returns>True when the name was free.</returns>
    public bool TryClaim(CompiledCase compiled, out string? takenBy)
    {
        if (_files.TryAdd(compiled.Name, compiled.SourceFile))
        {
            takenBy = null;
            return true;
        }
        var first = _files[compiled.Name];
        takenBy = Path.GetFullPath(first) == Path.GetFullPath(compiled.SourceFile) ? null : first;
        return false;
    }
}
