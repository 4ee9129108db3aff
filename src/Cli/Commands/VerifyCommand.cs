using System.Text;
using Vmspec.Abi.Kvm;
using Vmspec.Cli.Lab;
using Vmspec.Cli.Report;
using Vmspec.Cli.Verification;
using Vmspec.Lab.Init;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;
using Vmspec.Runtime.Host;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec verify [PATH...] [--host native|all|NAME[,NAME...]]</c>: compiles every spec and runs every case on each host
/// (this machine's KVM, or host kernels booted in the lab), prints a table with one column per host and
/// <c>N passed, M failed, K skipped</c> over (case, host) pairs; exits 1 when a case failed on any host, 4 when nothing ran.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "spec files or directories (default: specs)", Arity = ArgumentArity.ZeroOrMore };
        var spec = new Option<string?>("--spec") { Description = "only the cases whose name matches this glob, e.g. 'faults*'" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "cases run at once (on each host)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var results = new Option<string?>("--results") { Description = "directory to write results.json, junit.xml and report.html into" };
        var htmlReport = new Option<string?>("--report") { Description = "write the self-contained HTML report to this file" };
        var junit = new Option<string?>("--junit") { Description = "write JUnit XML to this file" };
        var json = new Option<bool>("--json") { Description = "print results.json to standard output instead of the table" };
        var host = new Option<string?>("--host")
        {
            Description = "where the cases run: native (this machine's /dev/kvm), all (every host kernel in specs/hosts) or host kernel names, "
                + "comma-separated, each run in the lab (default: native when /dev/kvm is usable, else the default host kernel)",
        };
        var accel = new Option<string>("--accel") { Description = "lab hosts: auto (KVM when /dev/kvm offers nested virtualization, else TCG), kvm or tcg", DefaultValueFactory = _ => "auto" };
        var labTimeout = new Option<string>("--lab-timeout") { Description = "lab hosts: wall-clock limit of each lab run, boot included, e.g. 90s, 20m (0: none)", DefaultValueFactory = _ => "20m" };
        var allowNothingRan = new Option<bool>(ExitCodes.AllowNothingRanOption) { Description = "exit 0, not 4, when every case was skipped on every host" };
        var command = new Command("verify", "Compile the specs and verify every case on this host's KVM or on host kernels in the lab" + ExitCodes.HelpText)
        {
            paths, spec, jobs, results, junit, json, host, accel, labTimeout, htmlReport, allowNothingRan,
        };
        command.SetAction((parse, cancellation) => RunAsync(new VerifyOptions(
            parse.GetValue(paths) is { Length: > 0 } given ? given : ["specs"],
            parse.GetValue(spec), parse.GetValue(jobs), parse.GetValue(results), parse.GetValue(junit), parse.GetValue(json),
            parse.GetValue(host), parse.GetValue(accel)!, parse.GetValue(labTimeout)!, parse.GetValue(allowNothingRan))
            { ReportPath = parse.GetValue(htmlReport) }, cancellation));
        return command;
    }

    private sealed record VerifyOptions(string[] Paths, string? Glob, int Jobs, string? ResultsDirectory, string? JunitPath, bool Json,
        string? Host, string Accel, string LabTimeout, bool AllowNothingRan)
    {
        public string? ReportPath { get; init; }
    }

    private static async Task<int> RunAsync(VerifyOptions options, CancellationToken cancellation)
    {
        LabAccel accel;
        TimeSpan? labTimeout;
        try
        {
            accel = LabAccelChoice.Parse(options.Accel);
            labTimeout = Durations.Parse(options.LabTimeout, "--lab-timeout");
        }
        catch (Exception e) when (e is LabException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var compiled = SpecInputs.Compile(options.Paths);
        SpecInputs.Report(compiled, Console.Error);
        if (!compiled.Succeeded)
            return 1;
        var cases = SpecInputs.Select(compiled.Cases, options.Glob);
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"error: no case matches '{options.Glob}'");
            return 2;
        }

        var probe = HostProbe.Probe();
        IReadOnlyList<VerifyHost> hosts;
        var labAccel = accel;
        try
        {
            if (options.Host is null)
            {
                var (chosen, why) = HostSelection.Default(probe.Available, probe.Reason, HostKernels.LoadCatalog, LabUnavailable);
                hosts = chosen;
                Console.Error.WriteLine($"vmspec verify: --host {string.Join(',', hosts.Select(h => h.Name))} ({why})");
            }
            else
            {
                hosts = HostSelection.Parse(options.Host, HostKernels.LoadCatalog);
            }
            if (hosts.Any(h => !h.IsNative))
                labAccel = LabAccelChoice.Resolve(accel); // --accel kvm without nested KVM: said now, not once per host
        }
        catch (Exception e) when (e is HostSelectionException or LabException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var runs = new List<HostRun>();
        using var progressLine = new ProgressLine(Console.Error, Terminal.StandardErrorIsTerminal);
        using var lines = new StreamWriter(new LineStream(progressLine.Line), new UTF8Encoding(false)) { AutoFlush = true };
        if (hosts.Any(h => h.IsNative))
        {
            // Before the labs start: the native cases' timings are not disturbed by lab VMs on every core.
            using var prefixed = hosts.Count > 1
                ? new StreamWriter(new LineStream(line => progressLine.Line($"[{HostInfo.NativeName}] {line}")), new UTF8Encoding(false)) { AutoFlush = true }
                : null;
            TextWriter progress = prefixed ?? lines;
            progress.WriteLine($"vmspec verify: {cases.Count} case(s) on {KvmFlavours.Name(probe.Flavour)}"
                + (probe.Available ? "" : $" (KVM unavailable: {probe.Reason})") + $", {options.Jobs} at a time");
            runs.Add(new VerifySession(probe, options.Jobs, progress) { Status = text => progressLine.Status(HostInfo.NativeName, text) }.Run(cases));
            progressLine.Status(HostInfo.NativeName, null);
        }
        var labs = hosts.Where(h => h.Lab is not null).Select(h => h.Lab!).ToList();
        if (labs.Count > 0)
        {
            lines.WriteLine($"vmspec verify: {cases.Count} case(s) on {labs.Count} host kernel(s) in the lab ({string.Join(", ", labs.Select(h => h.Name))}), "
                + $"at most {Environment.ProcessorCount} lab VM(s) at once, accel {labAccel.Name()}{(accel == LabAccel.Auto ? " (auto)" : "")}");
            var request = new LabVerifyRequest
            {
                SpecPaths = options.Paths.Select(Path.GetFullPath).ToList(),
                Glob = options.Glob,
                Jobs = options.Jobs,
                Cases = cases,
                Accel = accel,
                Timeout = labTimeout,
            };
            runs.AddRange(await new LabVerifier(lines) { Status = progressLine.Status }.RunAsync(labs, request, cancellation));
        }
        var report = new VerifyReport(runs.OrderBy(r => r.Host.Name, StringComparer.Ordinal).ToList());

        if (options.ResultsDirectory is not null)
        {
            AtomicFile.Write(Path.Combine(options.ResultsDirectory, "results.json"), ResultsJsonWriter.Write(report));
            AtomicFile.Write(Path.Combine(options.ResultsDirectory, "junit.xml"), JUnitWriter.Write(report));
            AtomicFile.Write(Path.Combine(options.ResultsDirectory, "report.html"), HtmlReport.Render(report));
        }
        if (options.ReportPath is not null)
            AtomicFile.Write(options.ReportPath, HtmlReport.Render(report));
        if (options.JunitPath is not null)
            AtomicFile.Write(options.JunitPath, JUnitWriter.Write(report));
        if (options.Json)
        {
            JsonOutput.Print(ResultsJsonWriter.Write(report));
        }
        else
        {
            ResultTable.Write(report, Console.Out);
            Console.WriteLine(report.CountsLine);
        }
        if (cancellation.IsCancellationRequested)
            return LabResult.CancelledExitCode;
        return ExitCodes.Of(report, options.AllowNothingRan, Console.Error);
    }

    /// <summary>Null when the lab can run here, else why not (no QEMU, no static busybox).</summary>
    private static string? LabUnavailable()
    {
        try
        {
            QemuBinary.Find();
            StaticBusybox.Load();
            return null;
        }
        catch (LabException e)
        {
            return e.Message;
        }
    }
}
