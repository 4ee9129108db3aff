namespace Vmspec.SpecCompiler.Diagnostics;

/// <summary>
/// Collects every error of a compilation (not just the first). The same error reached through
/// several matrix cases is kept once.
/// </summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public void Add(SourceLocation location, string fieldPath, string message)
    {
        var diagnostic = new Diagnostic(location, fieldPath, message);
        if (_seen.Add(diagnostic.ToString()))
            _items.Add(diagnostic);
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
            Add(d.Location, d.FieldPath, d.Message);
    }

    /// <summary>Errors in file, line, column order so output is stable.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() =>
        _items
            .OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.ToString(), StringComparer.Ordinal)
            .ToArray();
}
