using Vmspec.SpecCompiler.Binding;
using Vmspec.SpecCompiler.Composition;

namespace Vmspec.SpecCompiler;

/// <summary>
/// Entry point: YAML spec -> extends chain -> matrix cases -> (per case) substitution, merge,
/// shape check, binding -> canonical plan JSON. Never throws for bad input: all problems come
/// back as diagnostics.
/// </summary>
public static class SpecCompilation
{
    public static CompileResult CompileFile(string path) => Compile(path, leafText: null);

    /// <summary>Compiles spec text as if it were the file <paramref name="path"/> (bases are still read from disk).</summary>
    public static CompileResult CompileText(string path, string text) => Compile(path, text);

    /// <summary>
    /// Compiles every *.yaml and *.yml below <paramref name="directory"/> in ordinal path order.
    /// VmSpecBase files are checked but yield no cases; two cases with one name are an error.
    /// Host kernels (<c>kind: HostKernel</c>, in specs/hosts/) are no specs and are passed over.
    /// </summary>
    public static CompileResult CompileDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            return new CompileResult([new Diagnostic(new SourceLocation(directory, 1, 1), "", "directory does not exist")], []);
        var files = SpecFiles.Below(directory);

        var diagnostics = new DiagnosticBag();
        var cases = new List<CompiledCase>();
        var names = new CaseNames();
        foreach (var file in files)
        {
            var result = CompileFile(file);
            diagnostics.AddRange(result.Diagnostics);
            foreach (var compiled in result.Cases)
            {
                if (names.TryClaim(compiled, out var first))
                    cases.Add(compiled);
                else
                    diagnostics.Add(new SourceLocation(file, 1, 1), "metadata.name", $"case '{compiled.Name}' is also produced by {first}");
            }
        }
        return new CompileResult(diagnostics.ToSortedList(), diagnostics.Count == 0 ? cases : []);
    }

    private static CompileResult Compile(string path, string? leafText)
    {
        var diagnostics = new DiagnosticBag();
        var cases = CompileCases(path, leafText, diagnostics);
        return new CompileResult(diagnostics.ToSortedList(), diagnostics.Count == 0 ? cases : []);
    }

    private static List<CompiledCase> CompileCases(string path, string? leafText, DiagnosticBag diagnostics)
    {
        var compiled = new List<CompiledCase>();
        var chain = ExtendsChain.Load(path, diagnostics, leafText);
        if (chain is null)
            return compiled;
        var leaf = chain[^1];
        var bases = chain.Take(chain.Count - 1).ToArray();
        if (leaf.Root.Find("kind")?.Value is { } kind && Text(kind) == ImageLanguage.ImageKind)
        {
            diagnostics.Add(kind.Location, "kind",
                $"{path} is an image definition: ImageSpec files belong in images/ and are compiled by ImageCompilation, not with the specs");
            return compiled;
        }
        if (leaf.Root.Find("kind")?.Value is { } hostKind && Text(hostKind) == HostLanguage.HostKind)
        {
            diagnostics.Add(hostKind.Location, "kind",
                $"{path} is a host kernel: HostKernel files belong in specs/{HostLanguage.HostsDirectory}/ and are loaded by HostKernelCatalog (--host), not compiled as specs");
            return compiled;
        }
        CheckHeaders(chain, diagnostics);

        if (Text(leaf.Root.Find("kind")?.Value) == SpecLanguage.BaseKind)
        {
            // A base is checked on its own terms (no required keys) and yields no cases.
            new ShapeChecker(diagnostics, requireFields: false).Check(leaf.Root, SpecLanguage.Root, "");
            return compiled;
        }

        var matrixCases = MatrixExpander.Expand(leaf, bases, diagnostics);
        if (matrixCases is null)
            return compiled;
        foreach (var matrixCase in matrixCases)
        {
            var local = new DiagnosticBag();
            var plan = CompileCase(chain, matrixCase, path, local);
            diagnostics.AddRange(local.ToSortedList());
            if (plan is not null && local.Count == 0)
            {
                var bytes = PlanWriter.Write(plan, out var digest);
                compiled.Add(new CompiledCase(plan.Name, path, plan, bytes, digest));
            }
        }
        return compiled;
    }

    private static VmPlan? CompileCase(IReadOnlyList<SpecSource> chain, MatrixCase matrixCase, string leafPath, DiagnosticBag diagnostics)
    {
        var substitutionErrors = new DiagnosticBag();
        var substituted = chain.Select(source => MatrixSubstitution.Apply(source.Root, matrixCase, substitutionErrors)).ToArray();
        if (substitutionErrors.Count > 0)
        {
            // A broken reference leaves its text in place; checking that text would only repeat the error.
            diagnostics.AddRange(substitutionErrors.ToSortedList());
            return null;
        }
        var merged = substituted.Aggregate(DocumentMerger.Merge);
        merged = DocumentMerger.Without(merged, ExtendsChain.Key, MatrixExpander.Key);
        if (merged.Size > SyntaxLimits.MaxNodes)
        {
            diagnostics.Add(merged.Location, "", $"the spec expands to more than {SyntaxLimits.MaxNodes} nodes");
            return null;
        }
        new ShapeChecker(diagnostics, requireFields: true).Check(merged, SpecLanguage.Root, "");
        return new PlanBinder(diagnostics, leafPath).Bind(merged, matrixCase);
    }

    /// <summary>Every file of a chain states the language version and kind, so a stray YAML file is not taken for a base.</summary>
    private static void CheckHeaders(IReadOnlyList<SpecSource> chain, DiagnosticBag diagnostics)
    {
        foreach (var source in chain)
        {
            foreach (var key in new[] { "apiVersion", "kind" })
            {
                if (source.Root.Find(key) is null)
                    diagnostics.Add(source.Root.Location, key, "missing required key");
            }
            // The leaf's value is checked with the rest of the merged spec; a base's would be overridden there.
            if (source != chain[^1] && source.Root.Find("apiVersion")?.Value is { } version && Text(version) is { } text && text != SpecLanguage.ApiVersion)
                diagnostics.Add(version.Location, "apiVersion", $"expected {SpecLanguage.ApiVersion}, found '{text}'");
        }
    }
}
