using Vmspec.Shared.Io;
using Vmspec.SpecCompiler.Images;

namespace Vmspec.SpecCompiler;

/// <summary>
/// Entry point for image definitions (<c>kind: ImageSpec</c>, kept in images/): YAML -> shape check
/// -> binding against the repository (lock file, spec globs, the specs' own compilation) -> canonical
/// image plan JSON. Never throws for bad input: all problems come back as diagnostics.
/// </summary>
public static class ImageCompilation
{
    /// <param name="repositoryRoot">the root that plan paths are relative to; default: the nearest directory above the file holding vmspec.slnx</param>
    public static ImageCompileResult CompileFile(string path, string? repositoryRoot = null) => Compile(path, null, repositoryRoot);

    /// <summary>Compiles definition text as if it were the file <paramref name="path"/> (lock file and specs are still read from disk).</summary>
    public static ImageCompileResult CompileText(string path, string text, string? repositoryRoot = null) => Compile(path, text, repositoryRoot);

    /// <summary>Compiles every *.yaml and *.yml below <paramref name="directory"/> in ordinal path order; two images with one name:tag are an error.</summary>
    public static ImageCompileResult CompileDirectory(string directory, string? repositoryRoot = null)
    {
        if (!Directory.Exists(directory))
            return new ImageCompileResult([new Diagnostic(new SourceLocation(directory, 1, 1), "", "directory does not exist")], []);
        var files = YamlFiles.Below(directory);

        var diagnostics = new DiagnosticBag();
        var images = new List<CompiledImage>();
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = CompileFile(file, repositoryRoot);
            diagnostics.AddRange(result.Diagnostics);
            foreach (var image in result.Images)
            {
                var reference = $"{image.Name}:{image.Plan.Tag}";
                if (references.TryGetValue(reference, out var first))
                    diagnostics.Add(new SourceLocation(file, 1, 1), "metadata.name", $"image '{reference}' is also defined by {first}");
                else
                {
                    references.Add(reference, file);
                    images.Add(image);
                }
            }
        }
        return new ImageCompileResult(diagnostics.ToSortedList(), diagnostics.Count == 0 ? images : []);
    }

    /// <summary>
    /// The package names that the definitions below <paramref name="directory"/> list in image.base.packages, sorted, read without
    /// compiling (which needs them pinned first): what the Debian lock file must hold. Files that do not load give none.
    /// </summary>
    public static IReadOnlyList<string> RequestedPackages(string directory) =>
        YamlFiles.Below(directory)
            .SelectMany(file => SourceText.Read(file, new DiagnosticBag()) is { } text
                && YamlLoader.Load(file, text, new DiagnosticBag()) is YamlMapping root
                && Text(root.Find("kind")?.Value) == ImageLanguage.ImageKind
                    ? Items(Get(Map(Map(root, "image"), "base"), "packages")).Select(Text).OfType<string>()
                    : [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private static ImageCompileResult Compile(string path, string? text, string? repositoryRoot)
    {
        var diagnostics = new DiagnosticBag();
        var image = CompileImage(path, text, repositoryRoot, diagnostics);
        return new ImageCompileResult(diagnostics.ToSortedList(), diagnostics.Count == 0 && image is not null ? [image] : []);
    }

    private static CompiledImage? CompileImage(string path, string? text, string? repositoryRoot, DiagnosticBag diagnostics)
    {
        text ??= SourceText.Read(path, diagnostics);
        if (text is null || YamlLoader.LoadMapping(path, text, "an image definition", diagnostics) is not { } root)
            return null;
        if (root.Find("kind")?.Value is { } kind && Text(kind) is SpecLanguage.SpecKind or SpecLanguage.BaseKind)
        {
            diagnostics.Add(kind.Location, "kind", $"{path} is a spec: specs belong in specs/ and are compiled by SpecCompilation; images/ holds ImageSpec files");
            return null;
        }
        if (root.Find("kind")?.Value is { } hostKind && Text(hostKind) == HostLanguage.HostKind)
        {
            diagnostics.Add(hostKind.Location, "kind", $"{path} is a host kernel: HostKernel files belong in specs/{HostLanguage.HostsDirectory}/ and are loaded by HostKernelCatalog; images/ holds ImageSpec files");
            return null;
        }
        new ShapeChecker(diagnostics, requireFields: true).Check(root, ImageLanguage.Root, "");

        repositoryRoot ??= RepositoryRoot.FindAbove(path);
        if (repositoryRoot is null)
        {
            diagnostics.Add(root.Location, "", $"no {RepositoryRoot.Marker} above {path}: cannot tell the repository root that image paths are relative to");
            return null;
        }
        var bound = new ImageBinder(diagnostics, path, new RepositoryPaths(repositoryRoot)).Bind(root);
        if (bound is not { } image || diagnostics.Count > 0)
            return null;
        var bytes = ImagePlanWriter.Write(image.Plan, out var digest);
        return new CompiledImage(image.Plan.Name, path, image.Plan, bytes, digest, image.Cases);
    }
}
