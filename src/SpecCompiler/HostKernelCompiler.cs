using Vmspec.SpecCompiler.Hosts;

namespace Vmspec.SpecCompiler;

/// <summary>
/// Entry point for one host kernel file (<c>kind: HostKernel</c>, kept in specs/hosts/): YAML -> shape
/// check -> binding (local paths resolved against the file's folder, must exist) -> <see cref="Model.HostKernelSpec"/>.
/// Same loader, strictness and diagnostics as specs; no extends, no matrix. Never throws for bad input.
/// A folder of them, with its one default, is a <see cref="HostKernelCatalog"/>.
/// </summary>
public static class HostKernelCompiler
{
    public static HostKernelCompileResult Compile(string path) => Result(path, null);

    /// <summary>Compiles host kernel text as if it were the file <paramref name="path"/> (local paths are still resolved against its folder).</summary>
    public static HostKernelCompileResult CompileText(string path, string text) => Result(path, text);

    /// <summary>The host kernel, or null with every problem of this file added to <paramref name="diagnostics"/>.</summary>
    internal static BoundHostKernel? Compile(string path, string? text, DiagnosticBag diagnostics)
    {
        var local = new DiagnosticBag();
        var bound = CompileInto(path, text, local);
        diagnostics.AddRange(local.ToSortedList());
        return local.Count == 0 ? bound : null;
    }

    private static BoundHostKernel? CompileInto(string path, string? text, DiagnosticBag diagnostics)
    {
        text ??= SourceText.Read(path, diagnostics);
        if (text is null || YamlLoader.LoadMapping(path, text, "a host kernel", diagnostics) is not { } root)
            return null;
        if (root.Find("kind")?.Value is { } kind && OtherKind(path, Text(kind)) is { } message)
        {
            diagnostics.Add(kind.Location, "kind", message);
            return null;
        }
        new ShapeChecker(diagnostics, requireFields: true).Check(root, HostLanguage.Root, "");
        return new HostKernelBinder(diagnostics, path).Bind(root);
    }

    private static HostKernelCompileResult Result(string path, string? text)
    {
        var diagnostics = new DiagnosticBag();
        var bound = Compile(path, text, diagnostics);
        return new HostKernelCompileResult(diagnostics.ToSortedList(), diagnostics.Count == 0 ? bound?.Host : null);
    }

    private static string? OtherKind(string path, string? kind) => kind switch
    {
        SpecLanguage.SpecKind or SpecLanguage.BaseKind =>
            $"{path} is a spec: specs are compiled by SpecCompilation; a host kernel file says kind: {HostLanguage.HostKind}",
        ImageLanguage.ImageKind =>
            $"{path} is an image definition: ImageSpec files belong in images/; a host kernel file says kind: {HostLanguage.HostKind}",
        _ => null,
    };
}
