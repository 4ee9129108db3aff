using Vmspec.Lab.Init;

namespace Vmspec.Lab.Qemu;

/// <summary>What one lab VM is made of; the sockets and files live in the run's private folder.</summary>
public sealed record QemuMachine(
    LabAccel Accel,
    string Kernel,
    string Initramfs,
    int MemoryMiB,
    string ConsoleLog,
    string OutSocket,
    string ErrSocket,
    string StatusSocket,
    string MonitorSocket,
    IReadOnlyList<(OutputFolder Folder, string HostPath)> Outputs,
    string? Firmware,
    string ExtraKernelArguments = "");

/// <summary>
/// QEMU's argv for a lab VM, as a pure function. One vCPU: multi-threaded TCG oopsed the lab kernel while kvm's text
/// was patched (see the lab notes), so parallelism is one VM per core. The host's root is shared read-only; only the
/// output folders are writable. The kernel console goes to a file; the command's stdio and status to three ports; QMP
/// to a socket of its own, to nudge a silent lab with a key press and to read its CPU before it is stopped.
/// </summary>
public static class QemuCommandLine
{
    public const string KernelCommandLine = "console=ttyS0 quiet printk.time=1 panic=-1 oops=panic rdinit=/init";

    public static IReadOnlyList<string> Build(QemuMachine machine)
    {
        var args = new List<string>
        {
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-machine", "pc",
            "-accel", machine.Accel == LabAccel.Kvm ? "kvm" : "tcg",
            // TCG: an AMD CPU with SVM and nested paging, so that kvm_amd loads. KVM: the machine's own CPU, nested.
            "-cpu", machine.Accel == LabAccel.Kvm ? "host" : "EPYC,+svm,+npt",
            "-smp", "1", "-m", $"{machine.MemoryMiB}M",
            "-kernel", machine.Kernel, "-initrd", machine.Initramfs, "-append", (KernelCommandLine + " " + machine.ExtraKernelArguments).TrimEnd(),
            "-chardev", $"file,id=console,path={Escape(machine.ConsoleLog)}", "-serial", "chardev:console",
            "-device", "virtio-serial-pci,id=ports",
            "-qmp", $"unix:{Escape(machine.MonitorSocket)},server=on,wait=off",
        };
        if (machine.Firmware is { } firmware)
            args.InsertRange(0, ["-bios", firmware]);
        AddPort(args, "out", machine.OutSocket, LabInitScript.OutPort);
        AddPort(args, "err", machine.ErrSocket, LabInitScript.ErrPort);
        AddPort(args, "status", machine.StatusSocket, LabInitScript.StatusPort);
        AddShare(args, LabInitScript.HostRootTag, "/", readOnly: true);
        foreach (var (folder, hostPath) in machine.Outputs)
            AddShare(args, folder.Tag, hostPath, readOnly: false);
        return args;
    }

    private static void AddPort(List<string> args, string id, string socket, string name) => args.AddRange(
        "-chardev", $"socket,id={id},path={Escape(socket)}",
        "-device", $"virtserialport,bus=ports.0,chardev={id},name={name}");

    private static void AddShare(List<string> args, string tag, string hostPath, bool readOnly) => args.AddRange(
        "-fsdev", $"local,id={tag},path={Escape(hostPath)},security_model=none,multidevs=remap{(readOnly ? ",readonly=on" : "")}",
        "-device", $"virtio-9p-pci,fsdev={tag},mount_tag={tag}");

    /// <summary>QEMU option values separate with ','; a literal comma is written twice.</summary>
    internal static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
