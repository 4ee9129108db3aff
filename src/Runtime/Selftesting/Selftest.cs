using System.Diagnostics;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.Selftesting;

/// <summary>The outcome of <c>vmspec selftest</c>: the host probe, and when KVM is usable the minimal guest's run.</summary>
public sealed record SelftestResult(HostReport Host, RunResult? Run, uint? GuestKvmFeatures, TimeSpan BuildTime, TimeSpan RunTime, TimeSpan Total)
{
    /// <summary>True when the minimal guest completed and saw the same PV features KVM offers.</summary>
    public bool Passed => Run is { Succeeded: true } && GuestKvmFeatures == Host.KvmFeaturesEax;

    public string Format()
    {
        if (Run is null) return $"selftest: KVM unavailable: {Host.Reason}";
        string features = GuestKvmFeatures is { } f ? $"0x{f:x}" : "not reported";
        return $"selftest: {(Passed ? "passed" : "FAILED")} ({KvmFlavours.Name(Host.Flavour)}); guest CPUID 0x40000001 EAX = {features}, "
            + $"KVM offers 0x{Host.KvmFeaturesEax ?? 0:x}; build {BuildTime.TotalMilliseconds:0.0} ms, run {RunTime.TotalMilliseconds:0.0} ms, "
            + $"total {Total.TotalMilliseconds:0.0} ms\n{Run.Format()}";
    }
}

/// <summary>Builds, runs and tears down the minimal guest, timing each phase.</summary>
public static class Selftest
{
    public static SelftestResult Run(TimeSpan? timeout = null)
    {
        var total = Stopwatch.StartNew();
        HostReport host = HostProbe.Probe();
        if (!host.Available) return new SelftestResult(host, null, null, TimeSpan.Zero, TimeSpan.Zero, total.Elapsed);

        var layout = GuestLayout.Default;
        var build = Stopwatch.StartNew();
        using Vm vm = VmBuilder.Build(new VmConfig
        {
            Program = MinimalGuest.Build(layout),
            Layout = layout,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        });
        build.Stop();
        RunResult run = vm.Run();
        uint? seen = run.Reports.Where(r => r.Kind == MinimalGuest.KvmFeaturesReport).Select(r => (uint?)(uint)r.Value).FirstOrDefault();
        return new SelftestResult(host, run, seen, build.Elapsed, run.Elapsed, total.Elapsed);
    }
}
