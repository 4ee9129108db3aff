using System.Text.Json;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>asyncpf.json: fault latency against the C baseline, and the conformance matrix wall time.</summary>
    private static async Task BenchAsyncPfAsync()
    {
        var report = new BenchReport("asyncpf");
        if (!File.Exists("/dev/kvm"))
        {
            const string reason = "no /dev/kvm on this host (vmspec host says why)";
            report.Skip("page-not-present to page-ready latency, 1000 faults", reason);
            report.Skip("per-fault overhead vs C", reason);
            report.Skip("conformance matrix wall time", reason);
            report.Write(BenchDirectory);
            return;
        }
        await BuildKvmBaselineAsync();
        var ours = SamplesOf(await VmspecBenchAsync(["bench", "faults", "--faults", "1000"]));
        var baselineJson = JsonDocument.Parse(await ProcessRunner.CaptureAsync(KvmBaseline, ["faults", "1000"], Root)).RootElement;
        var baseline = SamplesOf(baselineJson);
        report.Figure("latency not-present -> ready, vmspec", ours);
        report.Figure("latency not-present -> ready, C baseline", baseline);
        report.Ratio("per-fault latency vmspec / C, median", ours.Median, baseline.Median, "at most 1.2x", ours.Median <= 1.2 * baseline.Median);
        var matrix = await Timing.OfProcessAsync(Vmspec, ["verify", Path.Combine(Root, "specs"), "--spec", "enable-protocol*"], 5, Root);
        report.Figure("conformance matrix (vmspec verify --spec 'enable-protocol*')", matrix);
        report.Goal("conformance matrix, median", matrix.Median, "ms", "under 2000 ms", matrix.Median < 2000);
        report.Write(BenchDirectory);
    }
}
