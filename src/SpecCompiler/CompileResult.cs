namespace Vmspec.SpecCompiler;

/// <summary>
/// Every diagnostic of the compiled files and the cases that compiled. A file with any error
/// contributes no cases, so a non-empty <see cref="Diagnostics"/> means the result is incomplete.
/// </summary>
public sealed record CompileResult(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<CompiledCase> Cases)
{
    public bool Succeeded => Diagnostics.Count == 0;
}
