namespace Vmspec.Build.Framework;

/// <summary>The --help page: usage, targets with their dependencies, parameters with their sources.</summary>
internal static class HelpText
{
    public static void Write(TextWriter output, TargetGraph graph, IReadOnlyList<BuildParameter> parameters,
        object build, string defaultTarget)
    {
        output.WriteLine("Usage: ./build.sh [targets] [--skip [targets]] [--plan] [--help] [--parameter value]...");
        output.WriteLine();
        output.WriteLine("Targets:");
        foreach (var target in graph.All)
        {
            var marker = string.Equals(target.Name, defaultTarget, StringComparison.OrdinalIgnoreCase) ? " (default)" : "";
            var dependencies = graph.DependenciesOf(target.Name);
            var after = dependencies.Count > 0 ? $" [after {string.Join(", ", dependencies)}]" : "";
            output.WriteLine($"  {target.Name + marker,-26} {target.Text}{after}");
        }
        output.WriteLine();
        output.WriteLine("Parameters (flag, or environment variable):");
        foreach (var parameter in parameters)
        {
            var value = parameter.CurrentValue(build);
            var shown = value is null or "" ? "" : $" (default: {value})";
            output.WriteLine($"  {parameter.Flag,-24} {parameter.EnvironmentVariable,-22} {parameter.Description}{shown}");
        }
        output.WriteLine();
        output.WriteLine("  --skip [targets]         skip these targets (no names: skip every dependency)");
        output.WriteLine("  --plan                   print the execution order and stop");
    }
}
