using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>
    /// The lab's figures: boot to the first case's verdict, the checked-in suite on every pinned host kernel, and,
    /// where this machine has /dev/kvm, lab against native per case, all in one run.
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
        var firstVerdict = await Timing.OfProcessAsync(Vmspec, ["lab", "--", Vmspec, "run", minimal], 3, Root);
        report.Figure("vmspec lab -- vmspec run specs/minimal.yaml (debian-6.12, boot to verdict and power-off)", firstVerdict);
        report.Goal("lab boot to the first case's verdict, median", firstVerdict.Median / 1000, "s", "at most 5 s", firstVerdict.Median <= 5000);

        int cases = (await VmspecBenchAsync(["bench", "compile", specs, "--runs", "1"])).GetProperty("cases").GetInt32();
        var suite = await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", "all"], 1, Root, allowNonZeroExit: true);
        report.Figure($"vmspec verify --host all ({cases} cases × every pinned host kernel, {Environment.ProcessorCount} cores)", suite);
        report.Goal("checked-in suite on both pinned hosts, wall time", suite.Median / 1000, "s", "at most 60 s", suite.Median <= 60_000);

        if (File.Exists("/dev/kvm"))
        {
            var lab = await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", "debian-6.12"], 1, Root, allowNonZeroExit: true);
            var native = await Timing.OfProcessAsync(Vmspec, ["verify", specs, "--host", "native"], 1, Root, allowNonZeroExit: true);
            report.Figure($"vmspec verify --host debian-6.12 ({cases} cases)", lab);
            report.Figure($"vmspec verify --host native ({cases} cases)", native);
            report.Ratio("lab time per case over native time per case", lab.Median / cases, native.Median / cases, "reported, no goal", true);
        }
        else
            report.Skip("lab vs native time per case", "no /dev/kvm on this machine: there is no native run to compare with");
        report.Write(BenchDirectory);
    }
}
