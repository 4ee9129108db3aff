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
        const int faults = 1000;
        var oursJson = await VmspecBenchAsync(["bench", "faults", "--faults", $"{faults}"]);
        var baselineJson = JsonDocument.Parse(await ProcessRunner.CaptureAsync(KvmBaseline, ["faults", $"{faults}"], Root)).RootElement;
        // Latency: vmspec's guest measures it with the TSC (its reports are sent after the workload);
        // the C guest reports at each event, so the host times the exits. The per-fault cost compares like with like.
        report.Figure("latency not-present -> ready, vmspec (guest TSC)", SamplesOf(oursJson));
        report.Figure("latency not-present -> ready, C baseline (host, per exit)", SamplesOf(baselineJson));
        var oursPerFault = oursJson.GetProperty("totalMs").GetDouble() / faults;
        var baselinePerFault = baselineJson.GetProperty("totalMs").GetDouble() / faults;
        report.Figure("KVM_RUN time per fault, vmspec", oursPerFault, "ms");
        report.Figure("KVM_RUN time per fault, C baseline", baselinePerFault, "ms");
        report.Ratio("per-fault cost vmspec / C", oursPerFault, baselinePerFault, "at most 1.2x", oursPerFault <= 1.2 * baselinePerFault);
        var matrix = await Timing.OfProcessAsync(Vmspec, ["verify", Path.Combine(Root, "specs"), "--spec", "enable-protocol*"], 5, Root);
        report.Figure("conformance matrix (vmspec verify --spec 'enable-protocol*')", matrix);
        report.Goal("conformance matrix, median", matrix.Median, "ms", "under 2000 ms", matrix.Median < 2000);
        report.Write(BenchDirectory);
    }
}
