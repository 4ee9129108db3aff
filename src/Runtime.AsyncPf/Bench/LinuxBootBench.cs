using System.Diagnostics;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Bench;

/// <summary>
/// The wall time of each boot, from reading the kernel to /init's Done and the VM's teardown, the initramfs booted, and the last
/// boot's console and KVM_RUN exits (to compare its phases with another VMM's console).
/// </summary>
public sealed record LinuxBootReport(IReadOnlyList<double> SamplesMs, byte[] Initramfs, string LastConsole, int LastExits);

/// <summary>
/// <c>vmspec bench linux-boot</c>: boots a real kernel the way the linux specs do (512 MiB, the specs' cmdline), with the
/// generated /init and no workload, so the boot alone is timed; QEMU boots the same initramfs bytes for the baseline.
/// </summary>
public static class LinuxBootBench
{
    public const string CommandLine = "console=ttyS0 reboot=k panic=-1";
    public const ulong RamBytes = 512UL << 20;

    /// <summary>A boot that never reaches /init's Done is a hang guard's matter, not a figure.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);

    public static LinuxBootReport Run(string kernelPath, LinuxEntry entry, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        byte[] initramfs = Initramfs.WithInit(WorkloadInit.Build(0)).Build();
        var options = new LinuxBootOptions
        {
            CommandLine = CommandLine,
            Initramfs = initramfs,
            Layout = LinuxBootLayout.Default with { RamSize = RamBytes },
        };
        var samples = new List<double>();
        LinuxBootObservation? last = null;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var o = LinuxBoot.Run(kernelPath, entry, options, [], enforcePvFeatureCpuid: false, Timeout);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            var done = o.Run.Events.OfType<GuestDone>().FirstOrDefault();
            if (!o.Run.Succeeded || done?.Status != WorkloadInit.StatusOk)
                throw new InvalidOperationException($"{kernelPath} did not boot to /init: {o.Run.Format()}");
            samples.Add(elapsed);
            last = o;
        }
        return new LinuxBootReport(samples, initramfs, last!.Console, last.Run.Exits);
    }
}
