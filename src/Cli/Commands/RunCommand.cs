using Vmspec.Cli.Verification;
using Vmspec.Runtime.Host;
using Vmspec.SpecCompiler.Plan;

namespace Vmspec.Cli.Commands;

/// <summary><c>vmspec run SPEC|PLAN</c>: runs one spec's cases (or one compiled plan) and prints every check.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("spec-or-plan") { Description = "a spec (.yaml) or a compiled plan (.json)" };
        var json = new Option<bool>("--json") { Description = "print results.json to standard output" };
        var allowNothingRan = new Option<bool>(ExitCodes.AllowNothingRanOption) { Description = "exit 0, not 4, when every case was skipped" };
        var command = new Command("run", "Run a spec or a compiled plan and print every check" + ExitCodes.HelpText) { input, json, allowNothingRan };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(json), parse.GetValue(allowNothingRan)));
        return command;
    }

    private static int Run(string input, bool json, bool allowNothingRan)
    {
        var cases = Load(input);
        if (cases is null)
            return 1;
        var host = HostProbe.Probe();
        var session = new VerifySession(host, jobs: 1, TextWriter.Null);
        var run = new HostRun(NativeHost.Info(host), cases.Select(session.RunOne).ToList());
        var report = new VerifyReport([run]);
        if (json)
        {
            JsonOutput.Print(ResultsJsonWriter.Write(report));
        }
        else
        {
            foreach (var result in run.Cases)
            {
                Console.WriteLine($"{result.Name}: {ResultsJsonWriter.Status(result.Status)} ({result.Duration.TotalMilliseconds:0.0} ms){(result.Reason is null ? "" : $": {result.Reason}")}");
                foreach (var check in result.Checks)
                    Console.WriteLine($"  {ResultsJsonWriter.Status(check.Status),-7} {check.Name}: expected {check.Expected}; observed {check.ObservedWithFigures}");
            }
            Console.WriteLine(report.CountsLine);
        }
        return ExitCodes.Of(report, allowNothingRan, Console.Error);
    }

    private static IReadOnlyList<CompiledCase>? Load(string input)
    {
        if (!input.EndsWith(".json", StringComparison.Ordinal))
        {
            var result = SpecInputs.Compile([input]);
            SpecInputs.Report(result, Console.Error);
            return result.Succeeded ? result.Cases : null;
        }
        try
        {
            var bytes = File.ReadAllBytes(input);
            var plan = PlanReader.Read(bytes);
            return [new CompiledCase(plan.Name, input, plan, bytes, "")];
        }
        catch (Exception e) when (e is PlanFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {input}: {e.Message}");
            return null;
        }
    }
}
