namespace Vmspec.SpecCompiler.Binding;

/// <summary>
/// The errors a binder reports, each at its node and field path, and whether there were any: a binder reports
/// every error it finds but returns no result after the first.
/// </summary>
internal sealed class BindingErrors(DiagnosticBag diagnostics)
{
    public bool Any { get; private set; }

    public void Add(YamlNode at, string path, string message)
    {
        Any = true;
        diagnostics.Add(at.Location, path, message);
    }

    /// <summary>Takes over what another compilation reported (a spec an image carries).</summary>
    public void AddRange(IEnumerable<Diagnostic> reported, bool failed)
    {
        Any |= failed;
        diagnostics.AddRange(reported);
    }
}
