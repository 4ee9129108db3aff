using System.Text.Json;

namespace Vmspec.Cli.Commands;

/// <summary><c>vmspec check SPEC...</c>: validates specs; every error of every file, with file:line:column.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var specs = new Argument<string[]>("spec") { Description = "spec files or directories", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "print cases and diagnostics as JSON" };
        var command = new Command("check", "Validate specs without running them") { specs, json };
        command.SetAction(parse => Run(parse.GetValue(specs)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(string[] paths, bool json)
    {
        var result = SpecInputs.Compile(paths);
        if (json)
        {
            JsonOutput.Print(output => WriteJson(output, result));
        }
        else
        {
            SpecInputs.Report(result, Console.Error);
            if (result.Succeeded)
                Console.WriteLine($"ok: {result.Cases.Count} case(s) from {result.Cases.Select(c => c.SourceFile).Distinct().Count()} spec(s)");
        }
        return result.Succeeded ? 0 : 1;
    }

    private static void WriteJson(Utf8JsonWriter output, CompileResult result)
    {
        output.WriteStartObject();
        output.WriteStartArray("cases");
        foreach (var compiled in result.Cases)
        {
            output.WriteStartObject();
            output.WriteString("name", compiled.Name);
            output.WriteString("spec", compiled.SourceFile);
            output.WriteString("digest", compiled.Digest);
            output.WriteEndObject();
        }
        output.WriteEndArray();
        output.WriteStartArray("diagnostics");
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteStartObject();
            output.WriteString("file", diagnostic.Location.File);
            output.WriteNumber("line", diagnostic.Location.Line);
            output.WriteNumber("column", diagnostic.Location.Column);
            if (diagnostic.FieldPath.Length > 0)
                output.WriteString("field", diagnostic.FieldPath);
            else
                output.WriteNull("field");
            output.WriteString("message", diagnostic.Message);
            output.WriteString("severity", "error");
            output.WriteEndObject();
        }
        output.WriteEndArray();
        output.WriteEndObject();
    }
}
