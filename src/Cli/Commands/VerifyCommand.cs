using System.CommandLine;
using Vmspec.Cli.Io;
using Vmspec.Cli.Results;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec verify [PATH...]</c>: compiles every spec, runs every case on this host in parallel,
/// prints a table and <c>N passed, M failed, K skipped</c>; exits 1 when a case failed.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "spec files or directories (default: specs)", Arity = ArgumentArity.ZeroOrMore };
        var spec = new Option<string?>("--spec") { Description = "only the cases whose name matches this glob, e.g. 'faults*'" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "cases run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var results = new Option<string?>("--results") { Description = "directory to write results.json and junit.xml into" };
        var junit = new Option<string?>("--junit") { Description = "write JUnit XML to this file" };
        var json = new Option<bool>("--json") { Description = "print results.json to standard output instead of the table" };
        var command = new Command("verify", "Compile the specs and verify every case on this host's KVM") { paths, spec, jobs, results, junit, json };
        command.SetAction(parse => Run(
            parse.GetValue(paths) is { Length: > 0 } given ? given : ["specs"],
            parse.GetValue(spec), parse.GetValue(jobs), parse.GetValue(results), parse.GetValue(junit), parse.GetValue(json)));
        return command;
    }

    private static int Run(string[] paths, string? glob, int jobs, string? resultsDirectory, string? junitPath, bool json)
    {
        var compiled = SpecInputs.Compile(paths);
        SpecInputs.Report(compiled, Console.Error);
        if (!compiled.Succeeded)
            return 1;
        var cases = SpecInputs.Select(compiled.Cases, glob);
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"error: no case matches '{glob}'");
            return 2;
        }
        var host = HostProbe.Probe();
        Console.Error.WriteLine($"vmspec verify: {cases.Count} case(s) on {KvmFlavours.Name(host.Flavour)}"
            + (host.Available ? "" : $" (KVM unavailable: {host.Reason})") + $", {jobs} at a time");
        var report = new VerifySession(host, jobs, Console.Error).Run(cases);
        if (resultsDirectory is not null)
        {
            AtomicFile.Write(Path.Combine(resultsDirectory, "results.json"), ResultsJsonWriter.Write(report));
            AtomicFile.Write(Path.Combine(resultsDirectory, "junit.xml"), JUnitWriter.Write(report));
        }
        if (junitPath is not null)
            AtomicFile.Write(junitPath, JUnitWriter.Write(report));
        if (json)
        {
            using var output = Console.OpenStandardOutput();
            output.Write(ResultsJsonWriter.Write(report));
        }
        else
        {
            ResultTable.Write(report, Console.Out);
            Console.WriteLine(report.CountsLine);
        }
        return report.Count(Outcome.Failed) > 0 ? 1 : 0;
    }
}
