using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    private const int BenchFaults = 1000;
    private const string PerFaultGoal = "at most 1.2x";

    /// <summary>
    /// asyncpf.json: the per-fault cost of 1,000 async #PFs against the C baseline, natively where /dev/kvm exists and
    /// on every pinned host kernel in the lab, and the conformance matrix wall time.
    /// </summary>
    private static async Task BenchAsyncPfAsync()
    {
        var report = new BenchReport("asyncpf");
        await BuildKvmBaselineAsync();
        if (File.Exists("/dev/kvm"))
        {
            var ours = FaultMeasurement.Parse(await ProcessRunner.CaptureAsync(Vmspec, ["bench", "faults", "--faults", $"{BenchFaults}"], Root));
            var baseline = FaultMeasurement.Parse(await ProcessRunner.CaptureAsync(KvmBaseline, ["faults", $"{BenchFaults}"], Root));
            FaultFigures(report, "native", ours, baseline);
            var matrix = await Timing.OfProcessAsync(Vmspec, ["verify", Path.Combine(Root, "specs"), "--spec", "enable-protocol*"], 5, Root);
            report.Figure("conformance matrix (vmspec verify --spec 'enable-protocol*')", matrix);
            report.Goal("conformance matrix, median", matrix.Median, "ms", "under 2000 ms", matrix.Median < 2000);
        }
        else
        {
            const string reason = "no /dev/kvm on this host (vmspec host says why)";
            report.Skip("[native] per-fault cost vs C", reason);
            report.Skip("conformance matrix wall time", reason);
        }
        if (OnPath("qemu-system-x86_64"))
        {
            foreach (var host in LabHosts)
            {
                var (ours, baseline) = await FaultsInLabAsync(host);
                FaultFigures(report, host, ours, baseline);
            }
        }
        else
            report.Skip("[lab] per-fault cost vs C", "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 busybox-static)");
        report.Write(BenchDirectory);
    }

    /// <summary>
    /// vmspec and the C baseline on one host, both timed at their exits (<see cref="FaultMeasurement"/>): the
    /// per-fault cost held to the goal at the median and the p99, the latencies, and the KVM_RUN loop's time and exits per fault.
    /// </summary>
    private static void FaultFigures(BenchReport report, string host, FaultMeasurement ours, FaultMeasurement baseline)
    {
        string at = $"[{host}] ";
        report.Figure(at + "per-fault cost (host, #PF-handler exit to the next: vmspec release, C not-present), vmspec", ours.Periods);
        report.Figure(at + "per-fault cost (host, #PF-handler exit to the next: vmspec release, C not-present), C", baseline.Periods);
        report.Ratio(at + "per-fault cost vmspec / C, median", ours.Periods.Median, baseline.Periods.Median, PerFaultGoal,
            ours.Periods.Median <= 1.2 * baseline.Periods.Median);
        report.Ratio(at + "per-fault cost vmspec / C, p99", ours.Periods.Percentile(99), baseline.Periods.Percentile(99), PerFaultGoal,
            ours.Periods.Percentile(99) <= 1.2 * baseline.Periods.Percentile(99));
        report.Figure(at + "latency not-present -> ready (host, guest TSC on the host clock), vmspec", ours.Latencies);
        report.Figure(at + "latency not-present -> ready (host, per exit), C", baseline.Latencies);
        if (ours.GuestTscLatencies is { } guestTsc)
            report.Figure(at + "latency not-present -> ready (guest TSC), vmspec", guestTsc);
        report.Figure(at + "KVM_RUN time per fault, vmspec", ours.RunMsPerFault, "ms");
        report.Figure(at + "KVM_RUN time per fault, C", baseline.RunMsPerFault, "ms");
        report.Ratio(at + "KVM_RUN time per fault vmspec / C", ours.RunMsPerFault, baseline.RunMsPerFault, PerFaultGoal,
            ours.RunMsPerFault <= 1.2 * baseline.RunMsPerFault);
        report.Figure(at + "KVM_RUN exits per fault, vmspec", ours.ExitsPerFault, "exits");
        report.Figure(at + "KVM_RUN exits per fault, C", baseline.ExitsPerFault, "exits");
    }

    /// <summary>
    /// Both programs in one boot of <paramref name="host"/>: the lab shares this machine's files read-only, so the
    /// binaries built here run there, and each writes its JSON into a folder the lab shares read-write.
    /// </summary>
    private static async Task<(FaultMeasurement Ours, FaultMeasurement Baseline)> FaultsInLabAsync(string host)
    {
        var output = Directory.CreateTempSubdirectory("vmspec-bench-faults-").FullName;
        try
        {
            const string script = "\"$0\" bench faults --faults \"$2\" > \"$3/vmspec.json\" && \"$1\" faults \"$2\" > \"$3/c.json\"";
            await ProcessRunner.RunAsync(Vmspec, ["lab", "--host", host, "--output", output, "--",
                "sh", "-c", script, Vmspec, KvmBaseline, $"{BenchFaults}", output], Root);
            return (FaultMeasurement.Parse(await File.ReadAllTextAsync(Path.Combine(output, "vmspec.json"))),
                FaultMeasurement.Parse(await File.ReadAllTextAsync(Path.Combine(output, "c.json"))));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
