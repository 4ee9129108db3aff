using System.Text;

using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Running;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.Tests.Support;
using Vmspec.Runtime.X86;
using Vmspec.TestSupport;

namespace Vmspec.Runtime.Tests.Boot;

/// <summary>Boots the synthetic kernel through LinuxLoader and VmBuilder on real /dev/kvm (skipped where KVM is unavailable).</summary>
public sealed class LinuxBootKvmTests
{
    [Fact]
    public void Synthetic_kernel_reports_every_check_ok_over_the_UART_and_resets_through_the_i8042()
    {
        KvmRequirement.RequireKvm();
        const string commandLine = "console=ttyS0 reboot=k vmspec.boot-test=1";
        byte[] initramfs = Initramfs.WithInit(InitProgram.Build()).Build();
        var layout = LinuxBootLayout.Default with { RamSize = 0x800_0000 };
        byte[] kernel = SyntheticKernel.Build(new SyntheticKernelExpectations(commandLine, layout.RamSize, initramfs));
        BootImage boot = LinuxLoader.LoadBzImage(kernel, "synthetic", new LinuxBootOptions { CommandLine = commandLine, Initramfs = initramfs, Layout = layout });
        var serial = new Serial16550();

        using Vm vm = VmBuilder.Build(new VmConfig { Boot = boot, Devices = [serial, new I8042()], Timeout = TimeSpan.FromSeconds(20) });
        RunResult result = vm.Run();

        string log = serial.Text;
        Assert.True(result.Verdict == RunVerdict.Reset, $"{result.Format()}\nserial:\n{log}");
        Assert.Equal(SyntheticKernel.Checks.Select(SyntheticKernel.OkLine), serial.Lines.Select(l => l.Text));
        Assert.IsType<GuestResetRequest>(result.Events[^1]);
    }

    [Fact]
    public void A_config_with_both_or_neither_program_and_boot_is_refused_before_KVM_is_opened()
    {
        var layout = LinuxBootLayout.Default with { RamSize = 0x400_0000 };
        BootImage boot = LinuxLoader.LoadBzImage(SyntheticKernel.Build(new SyntheticKernelExpectations("", layout.RamSize, ReadOnlyMemory<byte>.Empty)),
            "synthetic", new LinuxBootOptions { Layout = layout });

        var neither = Assert.Throws<ArgumentException>(() => VmBuilder.Build(new VmConfig()));
        var both = Assert.Throws<ArgumentException>(() => VmBuilder.Build(new VmConfig { Boot = boot, Program = MinimalGuest.Build(GuestLayout.Default) }));

        Assert.Contains("exactly one of Program and Boot", neither.Message);
        Assert.Contains("exactly one of Program and Boot", both.Message);
    }
}
