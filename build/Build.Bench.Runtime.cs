using System.Text.Json;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    private static string KvmBaseline => Path.Combine(Artifacts, "bench", "kvm-baseline");

    /// <summary>runtime.json: create-VM-to-verdict of the minimal guest against the C baseline, and `vmspec selftest` wall time.</summary>
    private static async Task BenchRuntimeAsync()
    {
        var report = new BenchReport("runtime");
        if (!File.Exists("/dev/kvm"))
        {
            var reason = "no /dev/kvm on this host (vmspec host says why)";
            report.Skip("create-VM-to-verdict vs C", reason);
            report.Skip("vmspec selftest wall time", reason);
            report.Write(BenchDirectory);
            return;
        }
        await BuildKvmBaselineAsync();
        var ours = SamplesOf(await VmspecBenchAsync(["bench", "runtime", "--runs", "200"]));
        var baseline = SamplesOf(JsonDocument.Parse(await ProcessRunner.CaptureAsync(KvmBaseline, ["minimal", "200"], Root)).RootElement);
        report.Figure("create-VM-to-verdict, vmspec (in-process)", ours);
        report.Figure("create-VM-to-verdict, C baseline", baseline);
        report.Ratio("vmspec / C, median", ours.Median, baseline.Median, "at most 1.5x", ours.Median <= 1.5 * baseline.Median);
        var selftest = await Timing.OfProcessAsync(Vmspec, ["selftest"], 30, Root);
        report.Figure("vmspec selftest, process wall time", selftest);
        report.Goal("vmspec selftest, median", selftest.Median, "ms", "at most 25 ms", selftest.Median <= 25);
        report.Write(BenchDirectory);
    }

    private static async Task BuildKvmBaselineAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KvmBaseline)!);
        await ProcessRunner.RunAsync("gcc", ["-O2", "-o", KvmBaseline, Path.Combine(Root, "build", "Bench", "baselines", "kvm-baseline.c"), "-lpthread"], Root);
    }

    private static Timing SamplesOf(JsonElement measurement) =>
        new(measurement.GetProperty("samplesMs").EnumerateArray().Select(s => s.GetDouble()).ToList());
}
