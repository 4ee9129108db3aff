using System.Diagnostics;
using Vmspec.Lab.Init;
using Vmspec.Lab.Modules;
using Vmspec.Lab.Qemu;

namespace Vmspec.Lab.Running;

/// <summary>
/// Boots a host kernel under QEMU, runs one command in it on that kernel's KVM and brings back its output and exit
/// status. QEMU is killed and the run's private folder removed on every path: success, failure, timeout, cancel.
/// </summary>
public static class LabRunner
{
    /// <summary>Modules the lab always needs: virtio transport and ports, 9p, overlay (each skipped when built in).</summary>
    public static readonly IReadOnlyList<string> BaseModules = ["virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay"];

    /// <summary>The KVM modules the lab may load, one per accelerator: see <see cref="KvmVendorModule"/>.</summary>
    public static readonly IReadOnlyList<string> KvmVendorModules = ["kvm_amd", "kvm_intel"];

    private const int ConsoleTailLines = 30;

    /// <summary>
    /// Silence after which the lab is nudged with a key press, and again each time this much more passes. QEMU's TCG can
    /// lose the request that tells the lab's CPU of an interrupt (seen with nested guests: the APIC timer's vector left
    /// in IRR, IF=1, never taken; the kernel's timers then stop): a new interrupt, such as the keyboard's, makes the CPU
    /// look again and take both. Harmless when the kernel was only slow: the key is shift, pressed and released.
    /// </summary>
    internal static readonly TimeSpan NudgeAfter = TimeSpan.FromSeconds(15);
    private const string NudgeKey = "shift";
    private const string QbootFirmware = "/usr/share/qemu/qboot.rom";

    public static async Task<LabResult> RunAsync(LabRunOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var qemu = QemuBinary.Find();
        byte[] busybox = StaticBusybox.Load();
        var accel = LabAccelChoice.Resolve(options.Accel);
        var kernel = options.Kernel.Validate();
        var modules = ModuleClosure.Resolve(kernel.ModulesDirectory, [.. BaseModules, KvmVendorModule(accel)]);
        var outputs = PrepareOutputs(options.OutputFolders);

        var folder = Directory.CreateTempSubdirectory("vmspec-lab-");
        Process? process = null;
        try
        {
            string initramfs = Path.Combine(folder.FullName, "initramfs.cpio");
            string script = CommandScript.Build(options.Command, options.WorkingDirectory, options.Environment);
            await File.WriteAllBytesAsync(initramfs, LabInitramfs.Build(busybox, modules, [.. outputs.Select(o => o.Folder)], script),
                cancellationToken).ConfigureAwait(false);

            using var outPort = new PortPump(Path.Combine(folder.FullName, "out.sock"));
            using var errPort = new PortPump(Path.Combine(folder.FullName, "err.sock"));
            using var statusPort = new PortPump(Path.Combine(folder.FullName, "status.sock"));
            var machine = new QemuMachine(accel, kernel.BootImagePath, initramfs, options.MemoryMiB,
                Path.Combine(folder.FullName, "console.log"), outPort.SocketPath, errPort.SocketPath, statusPort.SocketPath,
                Path.Combine(folder.FullName, "qmp.sock"), outputs, File.Exists(QbootFirmware) ? QbootFirmware : null, options.KernelArguments);

            options.Progress?.Invoke($"booting {kernel.Name} ({kernel.Release}) under QEMU {qemu.Version}, accel {accel.Name()}");
            process = StartQemu(qemu, machine);
            var qemuErrors = process.StandardError.ReadToEndAsync(CancellationToken.None);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (options.Timeout is { } timeout)
                stop.CancelAfter(timeout - clock.Elapsed);
            var status = new StatusChannel();
            using var pumpsGone = new CancellationTokenSource();
            var pumps = Task.WhenAll(
                outPort.CopyToAsync(options.StandardOutput, pumpsGone.Token),
                errPort.CopyToAsync(options.StandardError, pumpsGone.Token),
                statusPort.ReadLinesAsync(line =>
                {
                    status.Accept(line, clock.Elapsed);
                    if (line == "ready")
                        options.Progress?.Invoke($"lab ready after {clock.Elapsed.TotalSeconds:F1} s, running the command");
                }, pumpsGone.Token));

            bool stopped = false;
            string? cpuWhenStopped = null;
            using var watchEnds = new CancellationTokenSource();
            var stall = WatchHeartbeatAsync(status, clock, options.StallAfter, silence => NudgeAsync(machine, silence, options.Progress),
                stop, watchEnds.Token);
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stopped = true;
                if (!cancellationToken.IsCancellationRequested)
                    cpuWhenStopped = await CpuSnapshot.TakeAsync(machine.MonitorSocket).ConfigureAwait(false);
                Kill(process);
            }
            watchEnds.Cancel();
            TimeSpan? stalledAt = await stall.ConfigureAwait(false);
            // QEMU has exited: its sockets are closed, so the pumps end once they have read what it wrote. They are
            // abandoned only if QEMU never connected (it failed before creating its devices).
            pumpsGone.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await pumps.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            var console = ConsoleLog.ReadLines(machine.ConsoleLog);
            if (options.ConsoleLogCopy is { } copy && File.Exists(machine.ConsoleLog))
                File.Copy(machine.ConsoleLog, copy, overwrite: true);
            string errors = await qemuErrors.ConfigureAwait(false);
            LabResult Result(LabOutcome outcome, string? error) => new(outcome, outcome == LabOutcome.Exited ? status.ExitCode : null,
                error, status.Release, accel.Name(), qemu.Version, status.ReadyAt, clock.Elapsed, ConsoleLog.Excerpt(console, ConsoleTailLines));

            if (stopped && stalledAt is { } silentSince)
                return Result(LabOutcome.Stalled, $"the lab stalled: no heartbeat from its kernel for {options.StallAfter!.Value.TotalSeconds:F0} s "
                    + $"(the last at {silentSince.TotalSeconds:F1} s); QEMU was stopped; {cpuWhenStopped}");
            if (stopped)
                return cancellationToken.IsCancellationRequested
                    ? Result(LabOutcome.Cancelled, "cancelled: QEMU was stopped")
                    : Result(LabOutcome.TimedOut, $"timed out after {options.Timeout!.Value.TotalSeconds:F0} s: QEMU was stopped; {cpuWhenStopped}");
            if (ConsoleLog.FindCrash(console) is { } crash)
                return Result(LabOutcome.Failed, $"the lab kernel crashed: {crash.Trim()}");
            if (status.Error is { } initError)
                return Result(LabOutcome.Failed, $"the lab's init failed: {initError}");
            if (status.ExitCode is null)
                return Result(LabOutcome.Failed, DescribeMissingStatus(process.ExitCode, errors, console));
            return Result(LabOutcome.Exited, null);
        }
        finally
        {
            if (process is not null)
            {
                Kill(process);
                process.Dispose();
            }
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Once the lab kernel has said anything, nudges it (<paramref name="nudge"/>, given the silence) each
    /// <see cref="NudgeAfter"/> it stays silent, and stops the run (<paramref name="stop"/>) when the silence reaches
    /// <paramref name="stallAfter"/>; returns when its last line came, or null if it never fell silent that long.
    /// </summary>
    private static async Task<TimeSpan?> WatchHeartbeatAsync(StatusChannel status, Stopwatch clock, TimeSpan? stallAfter,
        Func<TimeSpan, Task> nudge, CancellationTokenSource stop, CancellationToken watchEnds)
    {
        if (stallAfter is not { } limit)
            return null;
        TimeSpan? nudgedAt = null;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), watchEnds).ConfigureAwait(false);
                if (status.LastHeardAt is not { } last)
                    continue;
                var silence = clock.Elapsed - last;
                if (silence > limit)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return last;
                }
                if (silence >= NudgeAfter && clock.Elapsed - Later(nudgedAt, last) >= NudgeAfter)
                {
                    nudgedAt = clock.Elapsed;
                    await nudge(silence).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static TimeSpan Later(TimeSpan? a, TimeSpan b) => a is { } value && value > b ? value : b;

    private static async Task NudgeAsync(QemuMachine machine, TimeSpan silence, Action<string>? progress)
    {
        string? error = await QemuMonitor.TryPressKeyAsync(machine.MonitorSocket, NudgeKey).ConfigureAwait(false);
        progress?.Invoke(error is null
            ? $"no heartbeat for {silence.TotalSeconds:F0} s: pressed {NudgeKey} on the lab's keyboard, an interrupt to wake its CPU"
            : $"no heartbeat for {silence.TotalSeconds:F0} s; the key press that would wake its CPU failed: {error}");
    }

    /// <summary>kvm_amd under TCG (it emulates SVM only); under nested KVM, the module of this machine's CPU vendor.</summary>
    internal static string KvmVendorModule(LabAccel accel, string cpuinfo = "/proc/cpuinfo") =>
        accel == LabAccel.Kvm && File.ReadLines(cpuinfo).Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.EndsWith("GenuineIntel", StringComparison.Ordinal))
            ? KvmVendorModules[1] : KvmVendorModules[0];

    private static List<(OutputFolder Folder, string HostPath)> PrepareOutputs(IReadOnlyList<string> folders)
    {
        var outputs = new List<(OutputFolder, string)>();
        foreach (string folder in folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (folder == "/" || folder.Contains('\n', StringComparison.Ordinal))
                throw new LabException($"output folder \"{folder}\" cannot be shared read-write with the lab");
            Directory.CreateDirectory(folder);
            outputs.Add((new OutputFolder($"out{outputs.Count}", folder), folder));
        }
        return outputs;
    }

    private static Process StartQemu(QemuBinary qemu, QemuMachine machine)
    {
        var start = new ProcessStartInfo(qemu.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in QemuCommandLine.Build(machine))
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new LabException($"{qemu.Path} did not start");
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync(); // QEMU prints nothing there with -display none; drained anyway
        return process;
    }

    private static string DescribeMissingStatus(int qemuExitCode, string qemuErrors, IReadOnlyList<string> console)
    {
        string[] initErrors = console.Where(l => l.StartsWith(LabInitScript.ConsolePrefix, StringComparison.Ordinal)).ToArray();
        if (initErrors.Length > 0)
            return $"the lab's init failed: {initErrors[^1][LabInitScript.ConsolePrefix.Length..]}";
        string qemuSaid = string.Join("; ", qemuErrors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("TCG doesn't support requested feature", StringComparison.Ordinal)));
        return qemuSaid.Length > 0
            ? $"QEMU exited with code {qemuExitCode} before the command's status came back: {qemuSaid}"
            : $"the lab ended (QEMU exit code {qemuExitCode}) without reporting the command's exit status";
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
