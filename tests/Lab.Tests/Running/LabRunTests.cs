using System.Text;
using System.Text.RegularExpressions;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;
using Vmspec.Lab.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Lab.Tests.Running;

/// <summary>Real lab runs: QEMU boots the pinned host kernel and runs a command on its KVM.</summary>
public sealed class LabRunTests
{
    private static async Task<(LabResult Result, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> command,
        Func<LabRunOptions, LabRunOptions>? adjust = null, string host = "debian-6.12")
    {
        var kernel = await LabKernels.Prepare(host);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var options = new LabRunOptions
        {
            Kernel = kernel,
            Command = command,
            WorkingDirectory = Environment.CurrentDirectory,
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin", ["LAB_WORD"] = "it's \"quoted\" $HOME" },
            Accel = LabAccel.Tcg,
            Timeout = TimeSpan.FromMinutes(3),
            StandardOutput = stdout,
            StandardError = stderr,
        };
        var result = await LabRunner.RunAsync(adjust?.Invoke(options) ?? options, TestContext.Current.CancellationToken);
        return (result, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task Runs_the_command_on_the_host_kernel_with_KVM_and_returns_its_status_and_output()
    {
        var (result, stdout, stderr) = await RunAsync(["/bin/sh", "-c",
            "uname -r; pwd; echo \"$LAB_WORD\"; test -c /dev/kvm && echo kvm; cat /sys/module/kvm_amd/parameters/npt; echo oops >&2; exit 7"]);

        Assert.True(result.Outcome == LabOutcome.Exited, $"{result.Error}\n{string.Join('\n', result.ConsoleTail)}");
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("6.12.117+deb12-amd64", result.KernelRelease);
        Assert.Equal($"6.12.117+deb12-amd64\n{Environment.CurrentDirectory}\nit's \"quoted\" $HOME\nkvm\nY\n", stdout);
        Assert.Equal("oops\n", stderr);
        Assert.NotNull(result.BootTime);
    }

    [Theory]
    [InlineData("debian-6.12", "6.12.117+deb12-amd64")]
    [InlineData("debian-6.1", "6.1.0-56-amd64")]
    public async Task Each_pinned_host_kernel_boots_with_kvm_amd_loaded(string host, string release)
    {
        var (result, stdout, _) = await RunAsync(["/bin/sh", "-c", "uname -r; test -c /dev/kvm && echo kvm; cat /sys/module/kvm_amd/initstate"], host: host);

        Assert.True(result.Outcome == LabOutcome.Exited, $"{result.Error}\n{string.Join('\n', result.ConsoleTail)}");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{release}\nkvm\nlive\n", stdout);
    }

    [Fact]
    public async Task Only_output_folders_reach_the_host_and_the_rest_is_a_discarded_overlay()
    {
        using var work = new TempDirectory("vmspec-lab-test-");
        string output = work.Combine("out"), outside = work.Combine("outside.txt");
        var (result, _, stderr) = await RunAsync(["/bin/sh", "-c", $"echo kept > {output}/kept.txt && echo lost > {outside} && cat {outside}"],
            o => o with { OutputFolders = [output] });

        Assert.True(result.Outcome == LabOutcome.Exited && result.ExitCode == 0, $"{result.Error} {stderr}");
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(output, "kept.txt")));
        Assert.False(File.Exists(outside));
    }

    [Fact]
    public async Task A_timeout_stops_QEMU_and_reports_timed_out_not_an_exit_status()
    {
        var (result, _, _) = await RunAsync(["/bin/sleep", "600"], o => o with { Timeout = TimeSpan.FromSeconds(15) });

        Assert.Equal((LabOutcome.TimedOut, LabResult.TimedOutExitCode, (int?)null), (result.Outcome, result.ExitCode, result.CommandExitCode));
        Assert.Matches(@"^timed out after 15 s: QEMU was stopped; its CPU then: RIP=[0-9a-f]{16} .* HLT=[01] \| LVTT .* \| Timer .* \| IRR ", result.Error);
    }

    [Fact]
    public async Task A_lab_kernel_that_falls_silent_is_stopped_as_stalled_before_the_timeout()
    {
        // SIGSTOP to every process but init and the caller stops the init's heartbeat, as a halted emulated CPU would.
        var (result, _, _) = await RunAsync(["/bin/sh", "-c", "kill -STOP -1; sleep 600"], o => o with { StallAfter = TimeSpan.FromSeconds(15) });

        Assert.Equal((LabOutcome.Stalled, LabResult.LabFailedExitCode, (int?)null), (result.Outcome, result.ExitCode, result.CommandExitCode));
        Assert.Matches(@"^the lab stalled: no heartbeat from its kernel for 15 s \(the last at \d+\.\d s\); QEMU was stopped; its CPU then: RIP=", result.Error);
        Assert.True(result.Elapsed < TimeSpan.FromMinutes(2), $"stopped after {result.Elapsed}, not at the stall");
    }

    [Fact]
    public async Task A_silent_lab_is_nudged_with_a_key_press_that_reaches_its_kernel_as_an_interrupt()
    {
        // The heartbeat is stopped (SIGSTOP, as in the stall test); the command waits for the i8042's IRQ 1 to count up,
        // which only the nudge's key press does, then lets everything run again.
        const string irq1 = "awk '$1 == \"1:\" { print $2 }' /proc/interrupts";
        var progress = new List<string>();
        var (result, stdout, _) = await RunAsync(["/bin/sh", "-c",
            $"kill -STOP -1; before=$({irq1}); while [ \"$({irq1})\" = \"$before\" ]; do sleep 1; done; kill -CONT -1; echo woken"],
            o => o with { Progress = line => { lock (progress) progress.Add(line); } });

        Assert.True(result.Outcome == LabOutcome.Exited && result.ExitCode == 0, $"{result.Error}\n{string.Join('\n', progress)}");
        Assert.Equal("woken\n", stdout);
        Assert.Contains(progress, line => Regex.IsMatch(line, @"^no heartbeat for 1[56] s: pressed shift on the lab's keyboard"));
    }

    [Fact]
    public async Task A_module_that_fails_to_load_is_named_with_the_kernels_message()
    {
        var kernel612 = await LabKernels.Prepare("debian-6.12");
        var kernel61 = await LabKernels.Prepare("debian-6.1");
        var mismatched = kernel612 with { Name = "6.12 with 6.1 modules", ModulesDirectory = kernel61.ModulesDirectory };

        var (result, _, _) = await RunAsync(["/bin/true"], o => o with { Kernel = mismatched });

        Assert.Equal(LabOutcome.Failed, result.Outcome);
        Assert.Matches("^the lab's init failed: module [a-z0-9_]+ failed to load: ", result.Error);
    }

    [Fact]
    public async Task A_kernel_crash_fails_the_run_with_the_consoles_last_lines()
    {
        var (result, _, _) = await RunAsync(["/bin/sh", "-c", "echo c > /proc/sysrq-trigger; sleep 60"]);

        Assert.Equal((LabOutcome.Failed, LabResult.LabFailedExitCode), (result.Outcome, result.ExitCode));
        Assert.StartsWith("the lab kernel crashed: ", result.Error);
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", result.ConsoleTail[0]);
    }
}
