using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.SpecCompiler;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>The pinned host kernels by name (specs/hosts), the ones <c>vmspec verify --host all</c> runs on.</summary>
    private static IReadOnlyList<string> LabHosts
    {
        get
        {
            var loaded = HostKernelCatalog.Load(Path.Combine(Root, HostKernelCatalog.RepositoryDirectory));
            return loaded.Catalog?.Names.ToList()
                ?? throw new BuildException($"cannot load the host kernels: {string.Join("; ", loaded.Diagnostics)}");
        }
    }

    /// <summary>
    /// The lab's figures: boot to the first case's verdict and the checked-in suite on each pinned host kernel and on
    /// all of them at once, and, where this machine has /dev/kvm, lab against native per case, all in one run.
    /// </summary>
    private static async Task BenchLabAsync()
    {
        var report = new BenchReport("lab");
        if (!OnPath("qemu-system-x86_64"))
        {
            report.Skip("the KVM lab", "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 busybox-static)");
            report.Write(BenchDirectory);
            return;
        }
        string specs = Path.Combine(Root, "specs");
        string minimal = Path.Combine(specs, "minimal.yaml");
        foreach (var host in LabHosts)
        {
            var firstVerdict = await Timing.OfProcessAsync(Vmspec, ["lab", "--host", host, "--", Vmspec, "run", minimal], 3, Root);
            report.Figure($"vmspec lab --host {host} -- vmspec run specs/minimal.yaml (boot to verdict and power-off)", firstVerdict);
            report.Goal($"[{host}] lab boot to the first case's verdict, median", firstVerdict.Median / 1000, "s", "at most 5 s",
                firstVerdict.Median <= 5000);
        }

        int cases = (await VmspecBenchAsync(["bench", "compile", specs, "--runs", "1"])).GetProperty("cases").GetInt32();
        var suite = await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", "all"], 1, Root, allowNonZeroExit: true);
        report.Figure($"vmspec verify --host all ({cases} cases × every pinned host kernel, {Environment.ProcessorCount} cores)", suite);
        report.Goal("checked-in suite on both pinned hosts, wall time", suite.Median / 1000, "s", "at most 60 s", suite.Median <= 60_000);

        var native = File.Exists("/dev/kvm")
            ? await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", "native"], 1, Root, allowNonZeroExit: true)
            : null;
        if (native is not null)
            report.Figure($"vmspec verify --host native ({cases} cases)", native);
        else
            report.Skip("lab vs native time per case", "no /dev/kvm on this machine: there is no native run to compare with");
        foreach (var host in LabHosts)
        {
            var lab = await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", host], 1, Root, allowNonZeroExit: true);
            report.Figure($"vmspec verify --host {host} ({cases} cases)", lab);
            if (native is not null)
                report.Ratio($"[{host}] lab time per case over native time per case", lab.Median / cases, native.Median / cases,
                    "reported, no goal", true);
        }
        report.Write(BenchDirectory);
    }
}
