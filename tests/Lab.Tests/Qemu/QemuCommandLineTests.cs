using Vmspec.Lab.Init;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;

namespace Vmspec.Lab.Tests.Qemu;

public sealed class QemuCommandLineTests
{
    private static QemuMachine Machine(LabAccel accel) => new(accel, "/k/vmlinux", "/t/initramfs", 4096, "/t/con,sole.log",
        "/t/out.sock", "/t/err.sock", "/t/status.sock", "/t/qmp.sock", [(new OutputFolder("out0", "/work/results"), "/work/results")], "/q/qboot.rom");

    [Fact]
    public void The_host_root_is_shared_read_only_and_only_output_folders_writable()
    {
        var args = QemuCommandLine.Build(Machine(LabAccel.Tcg));

        var fsdevs = args.Where((_, i) => i > 0 && args[i - 1] == "-fsdev").ToArray();
        Assert.Equal(["local,id=hostroot,path=/,security_model=none,multidevs=remap,readonly=on",
                      "local,id=out0,path=/work/results,security_model=none,multidevs=remap"], fsdevs);
        Assert.Contains("-no-reboot", args);
        Assert.Equal("1", args[args.ToList().IndexOf("-smp") + 1]);
        Assert.Equal("EPYC,+svm,+npt", args[args.ToList().IndexOf("-cpu") + 1]);
        Assert.Contains("file,id=console,path=/t/con,,sole.log", args); // QEMU's comma escape
        Assert.Contains("virtserialport,bus=ports.0,chardev=status,name=vmspec.status", args);
        Assert.Equal("unix:/t/qmp.sock,server=on,wait=off", args[args.ToList().IndexOf("-qmp") + 1]);
    }

    [Fact]
    public void Nested_KVM_uses_the_host_CPU()
    {
        var args = QemuCommandLine.Build(Machine(LabAccel.Kvm)).ToList();
        Assert.Equal(("kvm", "host"), (args[args.IndexOf("-accel") + 1], args[args.IndexOf("-cpu") + 1]));
    }
}
