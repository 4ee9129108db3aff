using System.Text;
using Vmspec.Abi.Kvm;
using Vmspec.Cli.Lab;
using Vmspec.Cli.Report;
using Vmspec.Cli.Sharding;
using Vmspec.Cli.Specs;
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
        var shard = new Option<string?>("--shard")
        {
            HelpName = "I/N",
            Description = "run shard I of N (1-based, e.g. 2/4) of the (case, host) pairs; vmspec merge joins the shards' results "
                + $"(default: ${ShardSpec.EnvironmentVariable}=I/N when set)",
        };
        var shards = new Option<int?>("--shards")
        {
            HelpName = "N",
            Description = $"run shard ${ShardSpec.CompletionIndexVariable}+1 of N, for a Kubernetes Indexed Job's pods (instead of --shard)",
        };
        // The outer verify's shard tells the inner verify in each lab its cases by name.
        var only = new Option<string[]>(LabVerifyRequest.CaseOption) { Hidden = true, Arity = ArgumentArity.OneOrMore };
        var command = new Command("verify", "Compile the specs and verify every case on this host's KVM or on host kernels in the lab" + ExitCodes.HelpText)
        {
            paths, spec, jobs, results, junit, json, host, accel, labTimeout, htmlReport, allowNothingRan, shard, shards, only,
        };
        command.SetAction((parse, cancellation) => RunAsync(new VerifyOptions(
            parse.GetValue(paths) is { Length: > 0 } given ? given : ["specs"],
            parse.GetValue(spec), parse.GetValue(jobs), parse.GetValue(results), parse.GetValue(junit), parse.GetValue(json),
            parse.GetValue(host), parse.GetValue(accel)!, parse.GetValue(labTimeout)!, parse.GetValue(allowNothingRan))
            {
                ReportPath = parse.GetValue(htmlReport),
                Shard = parse.GetValue(shard),
                Shards = parse.GetValue(shards),
                Only = parse.GetValue(only) is { Length: > 0 } named ? named : null,
            }, cancellation));
        return command;
    }

    private sealed record VerifyOptions(string[] Paths, string? Glob, int Jobs, string? ResultsDirectory, string? JunitPath, bool Json,
        string? Host, string Accel, string LabTimeout, bool AllowNothingRan)
    {
        public string? ReportPath { get; init; }
        public string? Shard { get; init; }
        public int? Shards { get; init; }
        public string[]? Only { get; init; }
    }

    private static async Task<int> RunAsync(VerifyOptions options, CancellationToken cancellation)
    {
        LabAccel accel;
        TimeSpan? labTimeout;
        ShardSpec? shard;
        try
        {
            accel = LabAccelChoice.Parse(options.Accel);
            labTimeout = Durations.Parse(options.LabTimeout, "--lab-timeout");
            shard = ShardSpec.Resolve(options.Shard, options.Shards, Environment.GetEnvironmentVariable);
        }
        catch (Exception e) when (e is LabException or FormatException or ShardSpecException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        var compiled = SpecInputs.Compile(options.Paths);
        SpecInputs.Report(compiled, Console.Error);
        if (!compiled.Succeeded)
            return 1;
        var cases = SpecInputs.Select(compiled.Cases, options.Glob);
        if (options.Only is { } names)
            cases = cases.Where(c => names.Contains(c.Name, StringComparer.Ordinal)).ToList();
        if (cases.Count == 0)
        {
            Console.Error.WriteLine(options.Only is null ? $"error: no case matches '{options.Glob}'" : $"error: no case is named {string.Join(", ", options.Only)}");
            return ExitCodes.Usage;
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
            return ExitCodes.Usage;
        }

        ShardPart? part = null;
        if (shard is not null)
        {
            part = ShardPart.Select(shard, cases, hosts.Select(h => h.Name).ToList(), VmspecBuild.Current());
            hosts = hosts.Where(h => part.CasesByHost[h.Name].Count > 0).ToList();
            var matrix = part.Record.Matrix;
            Console.Error.WriteLine($"vmspec verify: shard {shard}: {part.PairCount} of {matrix.PairCount} (case, host) pairs, "
                + $"cost {part.Cost} of {matrix.TotalCost}" + (hosts.Count == 0 ? "; nothing to run" : $", on {string.Join(", ", hosts.Select(h => h.Name))}"));
        }
        IReadOnlyList<CompiledCase> CasesOn(string host) => part is null ? cases : part.CasesByHost[host];

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
            var native = CasesOn(HostInfo.NativeName);
            progress.WriteLine($"vmspec verify: {native.Count} case(s) on {KvmFlavours.Name(probe.Flavour)}"
                + (probe.Available ? "" : $" (KVM unavailable: {probe.Reason})") + $", {options.Jobs} at a time");
            runs.Add(new VerifySession(probe, options.Jobs, progress) { Status = text => progressLine.Status(HostInfo.NativeName, text) }.Run(native));
            progressLine.Status(HostInfo.NativeName, null);
        }
        var labs = hosts.Where(h => h.Lab is not null).Select(h => h.Lab!).ToList();
        if (labs.Count > 0)
        {
            lines.WriteLine($"vmspec verify: {(part is null ? $"{cases.Count} case(s)" : $"{labs.Sum(h => CasesOn(h.Name).Count)} (case, host) pair(s)")} on {labs.Count} host kernel(s) in the lab ({string.Join(", ", labs.Select(h => h.Name))}), "
                + $"at most {Environment.ProcessorCount} lab VM(s) at once, accel {labAccel.Name()}{(accel == LabAccel.Auto ? " (auto)" : "")}");
            // Here, not in the lab: the lab has no network and sees the cache read-only.
            var guestKernels = GuestKernelFetch.KernelsOf(labs.SelectMany(h => CasesOn(h.Name)));
            if (guestKernels.Count > 0)
                await GuestKernelFetch.FetchAsync(guestKernels, lines, lines, cancellation); // a failure skips its cases, with the reason
            var request = new LabVerifyRequest
            {
                SpecPaths = options.Paths.Select(Path.GetFullPath).ToList(),
                Glob = options.Glob,
                Jobs = options.Jobs,
                Cases = cases,
                ShardCases = part?.CasesByHost,
                Accel = accel,
                Timeout = labTimeout,
            };
            runs.AddRange(await new LabVerifier(lines) { Status = progressLine.Status }.RunAsync(labs, request, cancellation));
        }
        var report = new VerifyReport(runs.OrderBy(r => r.Host.Name, StringComparer.Ordinal).ToList()) { Shard = part?.Record };

        if (options.ResultsDirectory is not null)
            ResultsDirectory.Write(options.ResultsDirectory, report);
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
        // A shard that the matrix gives no pair (more shards than pairs) has nothing to verify: that is no failure.
        return ExitCodes.Of(report, options.AllowNothingRan || part?.PairCount == 0, Console.Error);
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
