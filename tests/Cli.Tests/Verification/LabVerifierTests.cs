using System.Collections.Concurrent;
using System.Text;
using Vmspec.Cli.Io;
using Vmspec.Cli.Lab;
using Vmspec.Cli.Results;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;
using Vmspec.Lab;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>The lab side of verify with a stand-in for QEMU: what runs inside, what comes back, what a failed lab becomes.</summary>
public class LabVerifierTests
{
    /// <summary>A test case and a Linux case per kernel: one entry is enough here.</summary>
    private static readonly IReadOnlyList<CompiledCase> Cases =
        [.. SpecInputs.Compile([Path.Combine(TestRepository.Specs, "minimal.yaml"), Path.Combine(TestRepository.Specs, "linux")]).Cases
            .Where(c => !c.Name.EndsWith("[entry=pvh]", StringComparison.Ordinal))];

    private static readonly IReadOnlyList<HostKernelSpec> Hosts = HostKernelCatalog.Load(Path.Combine(TestRepository.Specs, "hosts")).Catalog!.Hosts;

    private static LabResult Lab(LabOutcome outcome, int? exitCode = null, string? error = null, string? release = "6.12.117+deb12-amd64") =>
        new(outcome, exitCode, error, release, "tcg", "7.2.22", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), ["[    4.2] last console line"]);

    private static byte[] InnerResults(string flavour, params CaseResult[] cases) => ResultsJsonWriter.Write(new VerifyReport(
        [new HostRun(new HostInfo("native", "native", "6.12.117+deb12-amd64", flavour, true, null), cases)]));

    private static CaseResult Passed(string name, string guest) =>
        new(name, guest, Outcome.Passed, [Check.Compare("x", 1, 1)], AsyncPfCounts.None, TimeSpan.FromMilliseconds(7));

    [Theory]
    [InlineData(LabOutcome.Failed, "failed", "the lab kernel crashed: Oops: 0000")]
    [InlineData(LabOutcome.TimedOut, "timed-out", "timed out after 1200 s: QEMU was stopped")]
    [InlineData(LabOutcome.Cancelled, "cancelled", "cancelled: QEMU was stopped")]
    public void A_failed_lab_run_fails_every_case_with_the_labs_error_and_keeps_the_console_tail(LabOutcome outcome, string kind, string error)
    {
        var run = LabHostResults.Create("debian-6.12", Lab(outcome, error: error), null, Cases);

        Assert.Equal(Cases.Select(c => c.Name).Order(StringComparer.Ordinal), run.Cases.Select(c => c.Name));
        Assert.All(run.Cases, c =>
        {
            Assert.Equal(Outcome.Failed, c.Status);
            Assert.Equal(error, c.Reason);
            Assert.Equal(new Check(LabHostResults.LabCheck, Outcome.Failed, "results from the lab", error), Assert.Single(c.Checks));
        });
        Assert.Equal(["debian-6-1-cloud[entry=boot-protocol-64]", "debian-6-12-cloud[entry=boot-protocol-64]", "minimal"], run.Cases.Select(c => c.Name));
        Assert.Equal(["linux", "linux", "minimal"], run.Cases.Select(c => c.Guest));
        var failure = run.Host.LabFailure!;
        Assert.Equal((kind, error), (failure.Kind, failure.Error));
        Assert.Equal(["[    4.2] last console line"], failure.ConsoleTail);
        Assert.Equal(("lab", "tcg", "6.12.117+deb12-amd64", (string?)null, false), (run.Host.Mode, run.Host.Accel, run.Host.KernelRelease, run.Host.Flavour, run.Host.KvmAvailable));
        Assert.Equal(Cases.Count, new VerifyReport([run]).Count(Outcome.Failed));
    }

    [Fact]
    public void A_command_that_exited_without_results_fails_every_case()
    {
        var run = LabHostResults.Create("debian-6.1", Lab(LabOutcome.Exited, exitCode: 1), null, Cases);
        Assert.Equal(("no-results", 1), (run.Host.LabFailure!.Kind, run.Host.LabFailure.ExitCode));
        Assert.All(run.Cases, c => Assert.Equal("vmspec exited with code 1 in the lab without writing results.json", c.Reason));

        var garbled = LabHostResults.Create("debian-6.1", Lab(LabOutcome.Exited, exitCode: 0), "{\"runs\": 3}"u8.ToArray(), Cases);
        Assert.StartsWith("the results.json vmspec wrote in the lab is unreadable: results.json: runs is not an array", garbled.Host.LabFailure!.Error);
        Assert.All(garbled.Cases, c => Assert.Equal(Outcome.Failed, c.Status));
    }

    [Fact]
    public void The_inner_results_come_back_with_the_labs_facts_and_a_case_they_lack_fails()
    {
        var json = InnerResults("kvm_amd", Passed("minimal", "minimal"), Passed("debian-6-1-cloud[entry=boot-protocol-64]", "linux"));
        var run = LabHostResults.Create("debian-6.12", Lab(LabOutcome.Exited, exitCode: 0), json, Cases);

        Assert.Null(run.Host.LabFailure);
        Assert.Equal(("debian-6.12", "lab", "6.12.117+deb12-amd64", "kvm_amd", "tcg", "7.2.22", true),
            (run.Host.Name, run.Host.Mode, run.Host.KernelRelease, run.Host.Flavour, run.Host.Accel, run.Host.QemuVersion, run.Host.KvmAvailable));
        Assert.Equal(TimeSpan.FromSeconds(5), run.Host.LabBoot);
        Assert.Equal(["debian-6-1-cloud[entry=boot-protocol-64]", "debian-6-12-cloud[entry=boot-protocol-64]", "minimal"], run.Cases.Select(c => c.Name));
        Assert.Equal([Outcome.Passed, Outcome.Failed, Outcome.Passed], run.Cases.Select(c => c.Status));
        Assert.Equal("the lab's results.json has no case debian-6-12-cloud[entry=boot-protocol-64]", run.Cases[1].Reason);
    }

    [Fact]
    public void The_inner_command_is_verify_native_over_the_same_specs_into_the_results_folder()
    {
        var request = new LabVerifyRequest { SpecPaths = ["/repo/specs", "/repo/x.yaml"], Glob = "faults*", Jobs = 3, Cases = Cases };
        Assert.Equal(["/usr/bin/dotnet", "/b/vmspec.dll", "verify", "/repo/specs", "/repo/x.yaml", "--host", "native", "--spec", "faults*", "--jobs", "3", "--results", "/tmp/r"],
            request.InnerCommand(["/usr/bin/dotnet", "/b/vmspec.dll"], "/tmp/r", "debian-6.12"));
        Assert.Equal(["/bin/vmspec", "verify", "/repo/specs", "--host", "native", "--jobs", "1", "--results", "/tmp/r"],
            (request with { SpecPaths = ["/repo/specs"], Glob = null, Jobs = 1 }).InnerCommand(["/bin/vmspec"], "/tmp/r", "debian-6.12"));
    }

    [Fact]
    public void A_shards_inner_command_names_the_cases_of_that_host_and_they_are_the_ones_reported()
    {
        var request = new LabVerifyRequest
        {
            SpecPaths = ["/repo/specs"], Glob = "*", Jobs = 1, Cases = Cases,
            ShardCases = new Dictionary<string, IReadOnlyList<CompiledCase>> { ["debian-6.1"] = [Cases[0], Cases[2]], ["debian-6.12"] = [Cases[1]] },
        };

        Assert.Equal(["/bin/vmspec", "verify", "/repo/specs", "--host", "native", "--case", Cases[0].Name, "--case", Cases[2].Name, "--jobs", "1", "--results", "/tmp/r"],
            request.InnerCommand(["/bin/vmspec"], "/tmp/r", "debian-6.1"));
        Assert.Equal([Cases[1].Name], LabHostResults.Create("debian-6.12", Lab(LabOutcome.Failed, error: "oops"), null, request.CasesOn("debian-6.12")).Cases.Select(c => c.Name));
    }

    [Fact]
    public async Task Hosts_run_in_the_lab_at_most_max_labs_at_once_stream_prefixed_progress_and_come_back_in_name_order()
    {
        var progress = new StringWriter();
        var folders = new ConcurrentBag<string>();
        var statuses = new ConcurrentQueue<(string Host, string? Text)>();
        int running = 0, most = 0;
        var verifier = new LabVerifier(progress)
        {
            MaxLabs = 1,
            Status = (host, text) => statuses.Enqueue((host, text)),
            Vmspec = ["/bin/vmspec"],
            // The outer verify's shard is not the inner one's: the inner verify runs the cases it is named.
            CommandEnvironment = () => new Dictionary<string, string> { ["PATH"] = "/bin", ["VMSPEC_SHARD"] = "1/2" },
            PrepareKernel = (host, say, _) =>
            {
                say($"prepared {host.Name}");
                return Task.FromResult(new LabKernel(host.Name, "/boot/" + host.Name, "/lib/modules/" + host.Name));
            },
            RunLab = async (options, _) =>
            {
                most = Math.Max(most, Interlocked.Increment(ref running));
                var folder = Assert.Single(options.OutputFolders);
                folders.Add(folder);
                Assert.Equal(["/bin/vmspec", "verify", "/repo/specs", "--host", "native", "--jobs", "2", "--results", folder], options.Command);
                Assert.Equal(new Dictionary<string, string> { ["PATH"] = "/bin" }, options.Environment);
                Assert.Equal(LabAccel.Tcg, options.Accel);
                Assert.Equal(TimeSpan.FromMinutes(20), options.Timeout);
                options.Progress!("booting");
                await options.StandardError!.WriteAsync(Encoding.UTF8.GetBytes("vmspec verify: 3 case(s) on kvm_amd\n[1/3] passed "));
                await Task.Delay(20);
                await options.StandardError.WriteAsync(Encoding.UTF8.GetBytes("minimal (7.0 ms)\nno newline at the end"));
                if (options.Kernel.Name == "debian-6.12")
                    await File.WriteAllBytesAsync(Path.Combine(folder, "results.json"), InnerResults("kvm_amd", Passed("debian-6-1-cloud[entry=boot-protocol-64]", "linux"), Passed("debian-6-12-cloud[entry=boot-protocol-64]", "linux"), Passed("minimal", "minimal")));
                Interlocked.Decrement(ref running);
                return Lab(LabOutcome.Exited, exitCode: options.Kernel.Name == "debian-6.12" ? 0 : 1, release: options.Kernel.Name);
            },
        };
        var request = new LabVerifyRequest { SpecPaths = ["/repo/specs"], Jobs = 2, Cases = Cases, Accel = LabAccel.Tcg, Timeout = TimeSpan.FromMinutes(20) };

        var runs = await verifier.RunAsync([Hosts[1], Hosts[0]], request, TestContext.Current.CancellationToken);

        Assert.Equal(["debian-6.1", "debian-6.12"], runs.Select(r => r.Host.Name));
        Assert.Equal("no-results", runs[0].Host.LabFailure!.Kind);
        Assert.Equal("3 passed, 0 failed, 0 skipped", runs[1].CountsLine);
        Assert.Equal(1, most);
        Assert.Equal([("debian-6.12", "booting…"), ("debian-6.12", "verify: 1/3 cases…"), ("debian-6.12", null)],
            statuses.Where(s => s.Host == "debian-6.12"));
        Assert.Equal(2, folders.Count);
        Assert.All(folders, f => Assert.False(Directory.Exists(f), $"{f} was left behind"));
        var lines = progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var host in (string[])["debian-6.1", "debian-6.12"])
        {
            Assert.Contains($"[{host}] prepared {host}", lines);
            Assert.Contains($"[{host}] lab: booting", lines);
            Assert.Contains($"[{host}] [1/3] passed minimal (7.0 ms)", lines);
            Assert.Contains($"[{host}] no newline at the end", lines);
        }
        Assert.Contains("[debian-6.1] lab no-results: vmspec exited with code 1 in the lab without writing results.json", lines);
    }

    [Fact]
    public async Task A_host_kernel_that_cannot_be_prepared_fails_its_cases_and_the_others_still_run()
    {
        var verifier = new LabVerifier(TextWriter.Null)
        {
            Vmspec = ["/bin/vmspec"],
            PrepareKernel = (host, _, _) => host.Name == "debian-6.1"
                ? throw new LabException("linux-image-6.1.0-56-amd64-unsigned=6.1.192-2 is not available")
                : Task.FromResult(new LabKernel(host.Name, "/boot/x", "/lib/modules/x")),
            RunLab = async (options, _) =>
            {
                await File.WriteAllBytesAsync(Path.Combine(options.OutputFolders[0], "results.json"), InnerResults("kvm_amd", Passed("minimal", "minimal")));
                return Lab(LabOutcome.Exited, exitCode: 0);
            },
        };
        var request = new LabVerifyRequest { SpecPaths = ["/repo/specs/minimal.yaml"], Jobs = 1, Cases = Cases.Where(c => c.Name == "minimal").ToList() };

        var runs = await verifier.RunAsync(Hosts, request, TestContext.Current.CancellationToken);

        Assert.Equal("cannot prepare host kernel debian-6.1: linux-image-6.1.0-56-amd64-unsigned=6.1.192-2 is not available", Assert.Single(runs[0].Cases).Reason);
        Assert.Equal(Outcome.Passed, Assert.Single(runs[1].Cases).Status);
    }

    [Theory]
    [InlineData(1, "passed", 1)]
    [InlineData(2, "stalled", 1)]
    public async Task A_stalled_lab_is_booted_once_more_and_the_stall_is_counted(int stalledRuns, string outcome, int counted)
    {
        var progress = new StringWriter();
        int runs = 0;
        var verifier = new LabVerifier(progress)
        {
            Vmspec = ["/bin/vmspec"],
            PrepareKernel = (host, _, _) => Task.FromResult(new LabKernel(host.Name, "/boot/x", "/lib/modules/x")),
            RunLab = async (options, _) =>
            {
                if (++runs <= stalledRuns)
                    return Lab(LabOutcome.Stalled, error: "the lab stalled: no heartbeat from its kernel for 60 s (the last at 42.0 s); QEMU was stopped");
                await File.WriteAllBytesAsync(Path.Combine(options.OutputFolders[0], "results.json"), InnerResults("kvm_amd", Passed("minimal", "minimal")));
                return Lab(LabOutcome.Exited, exitCode: 0);
            },
        };
        var request = new LabVerifyRequest { SpecPaths = ["/repo/specs/minimal.yaml"], Jobs = 1, Cases = Cases.Where(c => c.Name == "minimal").ToList() };

        var run = Assert.Single(await verifier.RunAsync([Hosts[1]], request, TestContext.Current.CancellationToken));

        Assert.Equal(2, runs);
        Assert.Equal(counted, run.Host.LabStalls);
        Assert.Equal(outcome, run.Host.LabFailure?.Kind ?? run.Cases.Single().Status.ToString().ToLowerInvariant());
        Assert.Contains("[debian-6.12] lab stalled: the lab stalled: no heartbeat from its kernel for 60 s (the last at 42.0 s); QEMU was stopped; "
            + "booting it again (1 of 1)", progress.ToString());
    }

    [Fact]
    public void Under_the_dotnet_host_vmspec_is_dotnet_and_the_dll_else_the_executable_itself()
    {
        var directory = AppContext.BaseDirectory;
        Assert.Equal(["/usr/share/dotnet/dotnet", Path.Combine(directory, "vmspec.dll")], VmspecExecutable.Command("/usr/share/dotnet/dotnet", directory, "vmspec"));
        Assert.Equal(["/opt/vmspec/vmspec"], VmspecExecutable.Command("/opt/vmspec/vmspec", directory, "vmspec"));
        Assert.Throws<InvalidOperationException>(() => VmspecExecutable.Command("/usr/bin/dotnet", directory, "missing"));
    }

    [Fact]
    public void Line_stream_hands_over_whole_lines_whatever_the_writes()
    {
        var lines = new List<string>();
        using (var stream = new LineStream(lines.Add))
        {
            stream.Write("é first\r\nsec"u8);
            stream.Write("ond\n\nthi"u8);
            stream.Write([0xC3]);
            stream.Write([0xA9]);
        }
        Assert.Equal(["é first", "second", "", "thié"], lines);
    }
}
