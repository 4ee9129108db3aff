namespace Vmspec.SpecCompiler;

/// <summary>Every diagnostic of a host kernel file, and the host kernel when there are none.</summary>
public sealed record HostKernelCompileResult(IReadOnlyList<Diagnostic> Diagnostics, HostKernelSpec? Host)
{
    public bool Succeeded => Diagnostics.Count == 0;
}

/// <summary>Every diagnostic of a hosts folder (its files' and the catalog's), and the catalog when there are none.</summary>
public sealed record HostKernelCatalogResult(IReadOnlyList<Diagnostic> Diagnostics, HostKernelCatalog? Catalog)
{
    public bool Succeeded => Diagnostics.Count == 0;
}
