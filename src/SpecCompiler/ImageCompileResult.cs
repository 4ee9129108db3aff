namespace Vmspec.SpecCompiler;

/// <summary>
/// Every diagnostic of the compiled image definitions (and of the specs they carry) and the images
/// that compiled. Any error leaves <see cref="Images"/> empty.
/// </summary>
public sealed record ImageCompileResult(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<CompiledImage> Images)
{
    public bool Succeeded => Diagnostics.Count == 0;
}
