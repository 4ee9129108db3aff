using Vmspec.Shared.Io;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec compile SPEC -o PLAN</c>: writes the canonical plan. A spec with a matrix has several
/// cases: then -o names a directory that receives one <c>CASE.plan.json</c> per case.
/// </summary>
internal static class CompileCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the spec file" };
        var output = new Option<string>("--output", "-o") { Description = "plan file (one case) or directory (several)", Required = true };
        var command = new Command("compile", "Compile a spec into canonical plan JSON") { spec, output };
        command.SetAction(parse => Run(parse.GetValue(spec)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(string spec, string output)
    {
        var result = SpecInputs.Compile([spec]);
        SpecInputs.Report(result, Console.Error);
        if (!result.Succeeded)
            return 1;
        var single = result.Cases.Count == 1 && !Directory.Exists(output);
        if (!single && output.EndsWith(".json", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"error: {spec} has {result.Cases.Count} cases; -o must name a directory, not {output}");
            return 2;
        }
        foreach (var compiled in result.Cases)
        {
            var path = single ? output : Path.Combine(output, PlanFileName(compiled.Name));
            AtomicFile.Write(path, compiled.CanonicalJson);
            // Not "HASH  PATH": that is sha256sum's format, and the plan digest is not the file's sha256.
            Console.WriteLine($"wrote {path} (plan sha256:{compiled.Digest})");
        }
        return 0;
    }

    /// <summary>A case name as a file name: matrix brackets and separators become dashes.</summary>
    internal static string PlanFileName(string caseName) =>
        new string(caseName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' ? c : '-').ToArray())
            .Trim('-') + ".plan.json";
}
