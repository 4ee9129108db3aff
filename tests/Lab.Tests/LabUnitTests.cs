using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Init;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Modules;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;

namespace Vmspec.Lab.Tests;

public sealed class CommandScriptTests
{
    [Fact]
    public void Every_word_is_single_quoted_and_the_command_is_execd_in_the_working_directory()
    {
        string script = CommandScript.Build(["printf", "%s\n", "it's $HOME `x`"], "/work/a b",
            [new("B", "2"), new("A", "x'y"), new("not-a-name", "dropped")]);

        Assert.Equal("# written by vmspec lab\nexport A='x'\\''y'\nexport B='2'\n"
            + "cd '/work/a b' || { echo \"vmspec lab: no working directory /work/a b in the lab\" >&2; exit 126; }\n"
            + "exec 'printf' '%s\n' 'it'\\''s $HOME `x`'\n", script);
    }

    [Fact]
    public void An_empty_command_and_a_NUL_byte_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CommandScript.Build([], "/", []));
        Assert.Throws<ArgumentException>(() => CommandScript.Quote("a\0b"));
    }
}

public sealed class QemuCommandLineTests
{
    private static QemuMachine Machine(LabAccel accel) => new(accel, "/k/vmlinux", "/t/initramfs", 4096, "/t/con,sole.log",
        "/t/out.sock", "/t/err.sock", "/t/status.sock", [(new OutputFolder("out0", "/work/results"), "/work/results")], "/q/qboot.rom");

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
    }

    [Fact]
    public void Nested_KVM_uses_the_host_CPU()
    {
        var args = QemuCommandLine.Build(Machine(LabAccel.Kvm)).ToList();
        Assert.Equal(("kvm", "host"), (args[args.IndexOf("-accel") + 1], args[args.IndexOf("-cpu") + 1]));
    }
}

public sealed class LabStatusAndConsoleTests
{
    [Fact]
    public void Status_lines_give_release_readiness_and_exit_code_and_nothing_defaults_to_zero()
    {
        var status = new StatusChannel();
        Assert.Null(status.ExitCode);
        status.Accept("release 6.12.117+deb12-amd64", TimeSpan.FromSeconds(1));
        status.Accept("ready", TimeSpan.FromSeconds(5));
        status.Accept("exit 3", TimeSpan.FromSeconds(6));
        Assert.Equal(("6.12.117+deb12-amd64", TimeSpan.FromSeconds(5), 3, (string?)null), (status.Release, status.ReadyAt, status.ExitCode, status.Error));
        status.Accept("garbage", TimeSpan.Zero);
        Assert.Equal("unexpected status line \"garbage\"", status.Error);
    }

    [Fact]
    public void A_panic_or_oops_on_the_console_is_found()
    {
        Assert.Equal("[    4.1] Kernel panic - not syncing: Attempted to kill init!",
            ConsoleLog.FindCrash(["[    1.0] ok", "[    4.1] Kernel panic - not syncing: Attempted to kill init!"]));
        Assert.NotNull(ConsoleLog.FindCrash(["[    2.0] Oops: general protection fault, probably for non-canonical address"]));
        Assert.Null(ConsoleLog.FindCrash(["[    1.0] kvm_amd: Nested Virtualization enabled"]));
    }

    [Fact]
    public void The_console_excerpt_starts_at_the_crash_or_else_is_the_tail()
    {
        string[] lines = ["a", "b", "BUG: kernel NULL pointer dereference", "c", "d"];
        Assert.Equal(["BUG: kernel NULL pointer dereference", "c"], ConsoleLog.Excerpt(lines, 2));
        Assert.Equal(["c", "d"], ConsoleLog.Excerpt(["a", "b", "c", "d"], 2));
    }

    [Fact]
    public void Lab_failures_have_their_own_exit_codes()
    {
        LabResult Of(LabOutcome outcome, int? code) => new(outcome, code, null, null, "tcg", "7.2", null, TimeSpan.Zero, []);
        Assert.Equal([0, 7, 124, 125, 130],
            [Of(LabOutcome.Exited, 0).ExitCode, Of(LabOutcome.Exited, 7).ExitCode, Of(LabOutcome.TimedOut, null).ExitCode,
             Of(LabOutcome.Failed, null).ExitCode, Of(LabOutcome.Cancelled, null).ExitCode]);
    }
}

public sealed class LabPrerequisiteTests
{
    [Fact]
    public void Auto_accel_is_TCG_without_a_nested_KVM_and_KVM_with_one()
    {
        var root = Directory.CreateTempSubdirectory();
        try
        {
            string devKvm = Path.Combine(root.FullName, "kvm"), modules = Path.Combine(root.FullName, "module");
            Assert.Equal(LabAccel.Tcg, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
            var e = Assert.Throws<LabException>(() => LabAccelChoice.Resolve(LabAccel.Kvm, modules, devKvm));
            Assert.Contains("does not exist", e.Message);
            File.WriteAllText(devKvm, "");
            Directory.CreateDirectory(Path.Combine(modules, "kvm_amd", "parameters"));
            File.WriteAllText(Path.Combine(modules, "kvm_amd", "parameters", "nested"), "0\n");
            Assert.Equal(LabAccel.Tcg, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
            File.WriteAllText(Path.Combine(modules, "kvm_amd", "parameters", "nested"), "1\n");
            Assert.Equal(LabAccel.Kvm, LabAccelChoice.Resolve(LabAccel.Auto, modules, devKvm));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Only_a_statically_linked_busybox_is_accepted()
    {
        Assert.False(StaticBusybox.IsStaticElf("#!/bin/sh\n"u8.ToArray()));
        Assert.False(StaticBusybox.IsStaticElf(File.ReadAllBytes("/bin/ls"))); // has PT_INTERP
        if (File.Exists("/bin/busybox"))
            Assert.True(StaticBusybox.IsStaticElf(File.ReadAllBytes("/bin/busybox")));
    }

    [Fact]
    public async Task A_kernel_package_whose_sha256_differs_is_refused_before_boot()
    {
        var real = LabKernels.Debian612Package;
        var wrong = new DebianKernelPackage(real.Name, real.Version, new string('0', 64));
        var cache = Directory.CreateTempSubdirectory();
        try
        {
            File.Copy(await real.FetchAsync(cancellationToken: TestContext.Current.CancellationToken), Path.Combine(cache.FullName, Path.GetFileName(real.FindCached()!)));
            var e = await Assert.ThrowsAsync<LabException>(() => DebianLabKernels.PrepareAsync("bad", wrong, cache.FullName, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains($"expected {new string('0', 64)}", e.Message);
            Assert.False(Directory.Exists(Path.Combine(cache.FullName, "lab")));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}

public sealed class ModuleClosureTests
{
    [Fact]
    public async Task The_closure_of_the_pinned_kernels_lists_dependencies_before_their_users()
    {
        foreach (string host in (string[])["debian-6.12", "debian-6.1"])
        {
            var kernel = await LabKernels.Prepare(host);
            var names = ModuleClosure.Resolve(kernel.ModulesDirectory, [.. LabRunner.BaseModules, "kvm_amd"]).Select(m => m.Name).ToList();

            Assert.True(names.IndexOf("kvm") < names.IndexOf("kvm_amd"), string.Join(",", names));
            Assert.True(names.IndexOf("9pnet") < names.IndexOf("9pnet_virtio") && names.IndexOf("9pnet_virtio") < names.IndexOf("9p"), string.Join(",", names));
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.Contains("overlay", names);
        }
    }

    [Fact]
    public async Task A_module_that_is_neither_present_nor_built_in_is_named()
    {
        var kernel = await LabKernels.Prepare("debian-6.12");
        var e = Assert.Throws<LabException>(() => ModuleClosure.Resolve(kernel.ModulesDirectory, ["no_such_module"]));
        Assert.StartsWith("module no_such_module (needed by the lab) is neither in ", e.Message);
    }
}
