using Vmspec.SpecCompiler.Diagnostics;

namespace Vmspec.Cli.Specs;

/// <summary>Compiles what the user named: spec files and directories of specs, in the order given.</summary>
internal static class SpecInputs
{
    public static CompileResult Compile(IReadOnlyList<string> paths)
    {
        var diagnostics = new List<Diagnostic>();
        var cases = new List<CompiledCase>();
        var names = new CaseNames();
        foreach (var path in paths)
        {
            var result = Directory.Exists(path) ? SpecCompilation.CompileDirectory(path)
                : File.Exists(path) ? SpecCompilation.CompileFile(path)
                : new CompileResult([new Diagnostic(new SourceLocation(path, 1, 1), "", "no such file or directory")], []);
            diagnostics.AddRange(result.Diagnostics);
            foreach (var compiled in result.Cases)
            {
                // Naming a spec twice (specs and specs/asyncpf) runs it once; two specs with one case name are an error.
                if (names.TryClaim(compiled, out var first))
                    cases.Add(compiled);
                else if (first is not null)
                    diagnostics.Add(new Diagnostic(new SourceLocation(compiled.SourceFile, 1, 1), "metadata.name",
                        $"case '{compiled.Name}' is also produced by {Path.GetFullPath(first)}"));
            }
        }
        return new CompileResult(diagnostics, diagnostics.Count == 0 ? cases : []);
    }

    /// <summary>Prints every diagnostic as <c>file:line:column: error: field: message</c>.</summary>
    public static void Report(CompileResult result, TextWriter error)
    {
        foreach (var diagnostic in result.Diagnostics)
            error.WriteLine(diagnostic);
        if (result.Diagnostics.Count > 0)
            error.WriteLine($"{result.Diagnostics.Count} error(s)");
    }

    /// <summary>Selects cases whose name matches a glob (<c>*</c> and <c>?</c>), e.g. <c>faults*</c>.</summary>
    public static IReadOnlyList<CompiledCase> Select(IReadOnlyList<CompiledCase> cases, string? glob) =>
        string.IsNullOrEmpty(glob) ? cases : cases.Where(c => Glob.Matches(glob, c.Name)).ToList();
}
