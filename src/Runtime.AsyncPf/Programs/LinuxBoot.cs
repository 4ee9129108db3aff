using System.Diagnostics;
using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>What the host saw of one Linux boot: the run, the guest's MSRs and data area, the devices' logs, the faults.</summary>
public sealed record LinuxBootObservation(
    RunResult Run,
    ulong? AsyncPfEn,
    ulong? AsyncPfInt,
    ulong RamSize,
    byte[]? AreaBeforeFaults,
    byte[]? AreaAfterRun,
    WorkloadEvicted? Eviction,
    IReadOnlyList<RestoredPage> Restored,
    string? ResolverFailure,
    KvmTraceRecord? Trace,
    string? TraceUnavailable,
    string Console,
    IReadOnlyList<UnclaimedAccess> UnclaimedIo)
{
    /// <summary>The run's Report(kind, value) values of <paramref name="kind"/>, in order.</summary>
    public IEnumerable<ulong> Reports(uint kind) => Run.Reports.Where(r => r.Kind == kind).Select(r => r.Value);
}

/// <summary>
/// Boots a bzImage (through its 64-bit or its PVH entry) on KVM with the devices a PC kernel needs (Firecracker's set): the in-kernel irqchip and PIT, a
/// 16550 on IRQ 4, the i8042 for reboot, a CMOS clock stopped at a fixed date, quiet sinks for every other port and MMIO address, and vmspec's report
/// ports for /init's status; with a workload, the eviction port. The vCPU runs on its own traced thread.
/// </summary>
public static class LinuxBoot
{
    /// <summary>Bytes of the apf data area read before and after: the 68-byte legacy struct's extent.</summary>
    public const int AreaBytes = 68;

    /// <summary>
    /// One Linux boot per process at a time: with two Linux VMs evicting and restoring pages in one process, both guests
    /// sat idle with their watchdogs silent in about half of the lab runs tried (cause not found yet); one at a time, never.
    /// </summary>
    private static readonly Lock OneBootAtATime = new();

    public static LinuxBootObservation Run(string kernelPath, LinuxEntry entry, LinuxBootOptions options, IReadOnlyList<CpuidEdit> cpuid,
        bool enforcePvFeatureCpuid, TimeSpan timeout)
    {
        lock (OneBootAtATime)
            return RunAlone(kernelPath, entry, options, cpuid, enforcePvFeatureCpuid, timeout);
    }

    /// <summary>The bzImage at <paramref name="kernelPath"/>, loaded for <paramref name="entry"/>.</summary>
    public static BootImage Load(string kernelPath, LinuxEntry entry, LinuxBootOptions options)
    {
        byte[] image = File.ReadAllBytes(kernelPath);
        return entry switch
        {
            LinuxEntry.BootProtocol64 => LinuxLoader.LoadBzImage(image, kernelPath, options),
            LinuxEntry.Pvh => PvhLoader.LoadBzImage(image, kernelPath, options),
            _ => throw new ArgumentOutOfRangeException(nameof(entry), entry, "unknown Linux entry"),
        };
    }

    private static LinuxBootObservation RunAlone(string kernelPath, LinuxEntry entry, LinuxBootOptions options, IReadOnlyList<CpuidEdit> cpuid,
        bool enforcePvFeatureCpuid, TimeSpan timeout)
    {
        BootImage boot = Load(kernelPath, entry, options);
        var serial = new Serial16550();
        var unclaimed = new UnclaimedIo();
        byte[]? areaBefore = null;
        Vm? built = null;
        using var eviction = new WorkloadEviction { BeforeEviction = () => areaBefore = ReadArea(built!) };
        var config = new VmConfig
        {
            Boot = boot,
            Devices = [serial, new I8042(), new CmosRtc(), eviction, unclaimed],
            MmioDevices = [unclaimed],
            Pit = true,
            ForceX2Apic = false,
            CpuidEdits = [CpuidEdit.HypervisorPresent, .. cpuid],
            EnforcePvFeatureCpuid = enforcePvFeatureCpuid,
            Timeout = timeout,
        };
        using Vm vm = VmBuilder.Build(config);
        built = vm;
        eviction.Attach(vm.Memory.Slots[0]);
        string? traceUnavailable = null;
        RunResult run = VcpuThread.Run(vm, tid => KvmTraceSession.TryStart([tid], out traceUnavailable), out KvmTraceSession? trace);
        KvmTraceRecord? record;
        using (trace)
            record = trace?.Stop();
        ulong[] msrs = vm.GetMsrs(KvmPvMsrs.AsyncPfEn, KvmPvMsrs.AsyncPfInt);
        var observation = new LinuxBootObservation(run, msrs.Length > 0 ? msrs[0] : null, msrs.Length > 1 ? msrs[1] : null, boot.RamSize,
            areaBefore, ReadArea(vm), eviction.Result, eviction.Pages?.Restored ?? [], eviction.Pages?.Failure?.Message, record, traceUnavailable, serial.Text, unclaimed.Accesses);
        // Closing the userfaultfd before the VM wakes any async #PF worker still waiting for a page, so the VM's teardown never waits on one.
        eviction.Dispose();
        return observation;
    }

    /// <summary>The bytes at EN's GPA (vCPU stopped), or null while EN names no area inside RAM.</summary>
    private static byte[]? ReadArea(Vm vm)
    {
        ulong[] en = vm.GetMsrs(KvmPvMsrs.AsyncPfEn);
        if (en.Length == 0 || (en[0] & (ulong)AsyncPfEnFlags.Enabled) == 0) return null;
        ulong gpa = AsyncPfEn.Gpa(en[0]);
        return vm.Memory.IsReadable(gpa, AreaBytes) ? vm.Memory.Span(gpa, AreaBytes).ToArray() : null;
    }
}
