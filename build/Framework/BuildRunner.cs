using System.Diagnostics;

namespace Vmspec.Build.Framework;

/// <summary>Runs a build class: parses the command line, sets parameters, plans and executes targets.</summary>
public static class BuildRunner
{
    public static async Task<int> RunAsync(object build, IReadOnlyList<string> args, string defaultTarget,
        TextWriter output, Func<string, string?> environment)
    {
        try
        {
            var graph = TargetGraph.Discover(build);
            var parameters = BuildParameter.Discover(build);
            var commandLine = CommandLine.Parse(args, parameters);
            ApplyParameters(build, parameters, commandLine, environment);
            if (commandLine.Help)
            {
                HelpText.Write(output, graph, parameters, build, defaultTarget);
                return 0;
            }
            var requested = commandLine.Targets.Count > 0 ? commandLine.Targets : [defaultTarget];
            var skipped = commandLine.Skip is { Count: 0 }
                ? graph.Plan(requested, []).Select(t => t.Name).Except(requested, StringComparer.OrdinalIgnoreCase)
                : commandLine.Skip ?? [];
            var plan = graph.Plan(requested, skipped.ToList());
            if (commandLine.Plan)
            {
                output.WriteLine("Execution plan:");
                for (var i = 0; i < plan.Count; i++)
                    output.WriteLine($"  {i + 1}. {plan[i].Name}");
                return 0;
            }
            return await ExecuteAsync(plan, output);
        }
        catch (BuildException e)
        {
            output.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static void ApplyParameters(object build, IReadOnlyList<BuildParameter> parameters, CommandLine commandLine,
        Func<string, string?> environment)
    {
        foreach (var parameter in parameters)
        {
            if (commandLine.Parameters.TryGetValue(parameter.Flag, out var flagValue))
                parameter.Set(build, flagValue);
            else if (environment(parameter.EnvironmentVariable) is { Length: > 0 } environmentValue)
                parameter.Set(build, environmentValue);
        }
    }

    private static async Task<int> ExecuteAsync(IReadOnlyList<TargetDefinition> plan, TextWriter output)
    {
        var results = new List<(string Name, string Status, TimeSpan Duration)>();
        var total = Stopwatch.StartNew();
        string? failure = null;
        foreach (var target in plan)
        {
            if (failure is not null)
            {
                results.Add((target.Name, "NotRun", TimeSpan.Zero));
                continue;
            }
            output.WriteLine();
            output.WriteLine($"═══ {target.Name} ═══");
            output.Flush();
            var watch = Stopwatch.StartNew();
            try
            {
                foreach (var action in target.Actions)
                    await action();
                results.Add((target.Name, "Succeeded", watch.Elapsed));
            }
            catch (Exception e) when (e is BuildException or OperationCanceledException)
            {
                failure = $"{target.Name}: {e.Message}";
                results.Add((target.Name, "Failed", watch.Elapsed));
            }
        }
        output.WriteLine();
        output.WriteLine("═══════════════════════════════════════════");
        output.WriteLine($"{"Target",-20} {"Status",-10} {"Duration",10}");
        foreach (var (name, status, duration) in results)
            output.WriteLine($"{name,-20} {status,-10} {Format(duration),10}");
        output.WriteLine("═══════════════════════════════════════════");
        if (failure is not null)
        {
            output.WriteLine($"Build failed in {Format(total.Elapsed)}: {failure}");
            return 1;
        }
        output.WriteLine($"Build succeeded in {Format(total.Elapsed)}");
        return 0;
    }

    private static string Format(TimeSpan duration) => duration.TotalSeconds < 60
        ? $"{duration.TotalSeconds:0.0}s"
        : $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s";
}
