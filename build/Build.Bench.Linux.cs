using System.Text.Json;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Running;
using Vmspec.Plans;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;

namespace Vmspec.Build;

internal sealed partial class Build
{
    private const int LinuxBootRuns = 3;
    private const string LinuxBootGoal = "at most 0.5x";

    /// <summary>
    /// linux.json (issue 11): on each pinned host kernel, boot to /init of the specs/linux kernels under vmspec against
    /// QEMU -accel kvm with the same initramfs, all in one lab boot (build/Bench/linux-boot.sh); then the
    /// restore-with-faults figures of `vmspec verify specs/linux` on that host.
    /// </summary>
    private static async Task BenchLinuxAsync()
    {
        var report = new BenchReport("linux");
        if (!OnPath("qemu-system-x86_64"))
        {
            report.Skip("Linux boot vs QEMU, restore-with-faults", "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 busybox-static)");
            report.Write(BenchDirectory);
            return;
        }
        var work = Directory.CreateTempSubdirectory("vmspec-bench-linux-").FullName;
        try
        {
            var kernels = await LinuxKernelsAsync(work);
            foreach (var host in LabHosts)
            {
                await LinuxBootFiguresAsync(report, host, kernels, Path.Combine(work, host));
                await RestoreFiguresAsync(report, host, Path.Combine(work, host, "results"));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        report.Write(BenchDirectory);
    }

    private static async Task LinuxBootFiguresAsync(BenchReport report, string host, IReadOnlyList<BenchKernel> kernels, string output)
    {
        Directory.CreateDirectory(output);
        string[] perKernel = [.. kernels.SelectMany(k => new[] { k.Name, LinuxEntries.Name(k.Entry), k.Vmlinuz, k.QemuKernel })];
        string[] lab = ["lab", "--host", host, "--output", output, "--",
            "sh", Path.Combine(Root, "build", "Bench", "linux-boot.sh"), Vmspec, output, $"{LinuxBootRuns}", .. perKernel];
        int exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, lab, Root);
        int repeated = 0;
        if (exitCode == LabResult.LabFailedExitCode)
        {
            // The lab itself failed (it can stall early in a nested Linux boot, see README): its timings are lost, so boot it once more.
            Console.WriteLine($"[{host}] the lab failed (exit code {exitCode}); booting it once more");
            repeated++;
            exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, lab, Root);
        }
        if (exitCode != 0)
            throw new BuildException($"'{Vmspec} {string.Join(' ', lab)}' exited with code {exitCode}");
        report.Figure($"[{host}] lab runs repeated after the lab failed", repeated, "runs");
        var timings = LinuxBootTimings.Parse(await File.ReadAllTextAsync(Path.Combine(output, "timings.txt")));
        KeepConsoles(output, Path.Combine(BenchDirectory, "linux-consoles", host));
        foreach (var kernel in timings.Kernels)
        {
            string at = $"[{host}] {kernel} boot to /init's Done, ";
            var ours = timings.Runs[(kernel, LinuxBootTimings.Vmspec)];
            var qemu = timings.Runs[(kernel, LinuxBootTimings.Qemu)];
            var inProcess = new Timing([.. Enumerable.Range(1, LinuxBootRuns)
                .Select(run => SamplesOf(JsonDocument.Parse(File.ReadAllText(Path.Combine(output, $"{kernel}.vmspec.{run}.json"))).RootElement).Milliseconds[0])]);
            report.Figure(at + "vmspec bench linux-boot (process)", ours);
            report.Figure(at + "vmspec in-process (kernel read to VM teardown)", inProcess);
            report.Figure(at + $"QEMU -accel kvm -M pc, {timings.Firmware} firmware (process)", qemu);
            report.Ratio(at + "vmspec / QEMU, median", ours.Median, qemu.Median, LinuxBootGoal, ours.Median <= 0.5 * qemu.Median);
        }
    }

    /// <summary>Each boot's console (vmspec's ends with its KVM_RUN exit count), kept to compare the two VMMs phase by phase.</summary>
    private static void KeepConsoles(string output, string keep)
    {
        Directory.CreateDirectory(keep);
        foreach (var console in Directory.GetFiles(output, "*.console"))
            File.Copy(console, Path.Combine(keep, Path.GetFileName(console)), overwrite: true);
    }

    /// <summary>The figures the Linux cases' checks carry: pages restored per second, async #PFs per second and their count.</summary>
    private static async Task RestoreFiguresAsync(BenchReport report, string host, string results)
    {
        // A failed case still has its figures; its status is named with them. A Linux case takes 20-70 s in the lab:
        // the timeout only bounds a hang (the 6.1 lab once sat idle until verify's default 20 minutes).
        await ProcessRunner.RunForExitCodeAsync(Vmspec, ["verify", Path.Combine(Root, "specs", "linux"), "--host", host, "--results", results,
            "--lab-timeout", "10m"], Root);
        foreach (var figures in LinuxRestoreFigures.Parse(await File.ReadAllTextAsync(Path.Combine(results, "results.json"))))
        {
            string at = $"[{figures.Host}] {figures.Case} ({figures.Status}) restore-with-faults, ";
            if (figures.PagesPerSecond is { } pages)
                report.Figure(at + "pages filled on demand", pages, "pages/s");
            else
                report.Skip(at + "pages filled on demand", figures.Failure ?? $"'{LinuxRestoreFigures.EvictedCheck}' has no pages/s figure");
            if (figures.AsyncPfsPerSecond is { } rate)
                report.Figure(at + "async #PFs seen by the host", rate, "async #PFs/s");
            else
                report.Skip(at + "async #PFs seen by the host", figures.Failure ?? $"'{LinuxRestoreFigures.AsyncPfCheck}' has no async #PFs/s figure");
            if (figures.PageNotPresent is { } count)
                report.Figure(at + "page-not-present (KVM trace)", count, "async #PFs");
        }
    }

    /// <summary>A specs/linux case's kernel: the vmlinuz vmspec boots through <see cref="Entry"/>, and what QEMU boots the same way.</summary>
    private sealed record BenchKernel(string Name, LinuxEntry Entry, string Vmlinuz, string QemuKernel);

    /// <summary>
    /// The specs/linux kernels by case name, each as the vmlinuz unpacked next to its cached .deb (or into <paramref name="work"/>);
    /// a PVH case's QEMU kernel is the vmlinux inside it, unpacked into <paramref name="work"/>.
    /// </summary>
    private static async Task<IReadOnlyList<BenchKernel>> LinuxKernelsAsync(string work)
    {
        var compiled = SpecCompilation.CompileDirectory(Path.Combine(Root, "specs", "linux"));
        if (!compiled.Succeeded)
            throw new BuildException($"specs/linux do not compile: {compiled.Diagnostics[0]}");
        var kernels = new List<BenchKernel>();
        foreach (var spec in compiled.Cases)
        {
            if (spec.Plan.Guest is not LinuxGuestPlan { Kernel: DebianKernel debian } linux)
                continue;
            var cached = Path.Combine(DebCache.DefaultDirectory, $"{debian.Sha256}.vmlinuz");
            if (!File.Exists(cached))
            {
                var deb = Directory.GetFiles(DebCache.DefaultDirectory, $"{debian.Package}_*.deb").FirstOrDefault()
                    ?? throw new BuildException($"{debian.Package} is not in {DebCache.DefaultDirectory}: ./build.sh FetchKernels fetches it");
                cached = Path.Combine(work, $"{debian.Sha256}.vmlinuz");
                if (!File.Exists(cached))
                    await ProcessRunner.RunAsync("bash", ["-c", $"dpkg-deb --fsys-tarfile '{deb}' | tar -xO --wildcards './boot/vmlinuz-*' > '{cached}'"], Root);
            }
            var qemuKernel = cached;
            if (linux.Entry == LinuxEntry.Pvh)
            {
                qemuKernel = Path.Combine(work, $"{debian.Sha256}.vmlinux");
                if (!File.Exists(qemuKernel))
                    await File.WriteAllBytesAsync(qemuKernel, PvhVmlinux.Extract(await File.ReadAllBytesAsync(cached), cached)
                        ?? throw new BuildException($"{spec.Name}: {cached} carries no vmlinux with a PVH entry"));
            }
            kernels.Add(new BenchKernel(spec.Name, linux.Entry, cached, qemuKernel));
        }
        return kernels;
    }
}
