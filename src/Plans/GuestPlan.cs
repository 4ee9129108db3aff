using System.Globalization;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Plans;

/// <summary>What runs in the VM: a generated test guest or a Linux kernel.</summary>
public abstract record GuestPlan
{
    /// <summary>The name of the guest program that runs and judges this guest (the runtime's program registry key).</summary>
    public abstract string Program { get; }
}

public enum TestProgram { Minimal, MsrProtocol, AsyncPf }

/// <summary>The generated test programs by the names specs and plans use.</summary>
public static class TestPrograms
{
    public static IReadOnlyList<KeyValuePair<string, TestProgram>> Names { get; } =
        [new("minimal", TestProgram.Minimal), new("msr-protocol", TestProgram.MsrProtocol), new("async-pf", TestProgram.AsyncPf)];

    public static string Name(TestProgram program) => Names.First(n => n.Value == program).Key;
}

public sealed record TestGuestPlan(TestProgram TestProgram, IReadOnlyList<MsrAccess> Accesses) : GuestPlan
{
    public override string Program => TestPrograms.Name(TestProgram);
}

public enum MsrOp { Write, Read }

/// <summary>Oracle: the runtime's protocol oracle decides whether the access must #GP.</summary>
public enum AccessExpectation { Oracle, Accept, Gp }

/// <summary>
/// One RDMSR or WRMSR with its value resolved (writes always carry one; reads never do) and how it is judged.
/// <paramref name="Wait"/>: after the access the guest turns interrupts on and spins (bounded) until a page-ready
/// arrives; <paramref name="ExpectPageReady"/> is the spec's word on whether one does (null: the oracle decides).
/// </summary>
public sealed record MsrAccess(uint Msr, MsrOp Op, ulong? Value, AccessExpectation Expect = AccessExpectation.Oracle, ulong? ReadBack = null,
    bool Wait = false, bool? ExpectPageReady = null)
{
    public static MsrAccess Read(uint msr) => new(msr, MsrOp.Read, null);

    public static MsrAccess Write(uint msr, ulong value) => new(msr, MsrOp.Write, value, Wait: WaitsByDefault(msr, MsrOp.Write, value));

    /// <summary>A write of MSR_KVM_ASYNC_PF_EN with the ENABLED bit waits unless told otherwise; nothing else does.</summary>
    public static bool WaitsByDefault(uint msr, MsrOp op, ulong? value) =>
        msr == KvmPvMsrs.AsyncPfEn && op == MsrOp.Write && (AsyncPfEn.Flags(value ?? 0) & AsyncPfEnFlags.Enabled) != 0;

    /// <summary><c>rdmsr MSR_KVM_ASYNC_PF_EN</c> or <c>wrmsr MSR_KVM_ASYNC_PF_EN 0x...</c>: the name of its checks.</summary>
    public override string ToString() => Op == MsrOp.Read
        ? $"rdmsr {KvmPvMsrs.Describe(Msr)}"
        : $"wrmsr {KvmPvMsrs.Describe(Msr)} 0x{(Value ?? 0).ToString("x", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A Linux kernel guest. <paramref name="Initramfs"/> null: the runtime generates one whose /init runs
/// <paramref name="Workload"/> (null: no fault workload); the two exclude each other. <paramref name="Entry"/>: how the
/// runtime enters the kernel.
/// </summary>
public sealed record LinuxGuestPlan(KernelSource Kernel, FileReference? Initramfs, string Cmdline, LinuxWorkload? Workload = null,
    LinuxEntry Entry = LinuxEntry.BootProtocol64) : GuestPlan
{
    public const string ProgramName = "linux";

    public override string Program => ProgramName;
}

/// <summary>
/// How a Linux kernel is entered. <see cref="BootProtocol64"/>: the bzImage's 64-bit entry with a zero page (boot.rst,
/// "64-bit Boot Protocol"); the kernel decompresses itself. <see cref="Pvh"/>: the vmlinux inside the bzImage, loaded
/// as ELF and entered in 32-bit protected mode at its XEN_ELFNOTE_PHYS32_ENTRY with hvm_start_info (a kernel built with
/// CONFIG_PVH; what QEMU and Firecracker do with a vmlinux).
/// </summary>
public enum LinuxEntry { BootProtocol64, Pvh }

/// <summary>The entries by the names specs and plans use.</summary>
public static class LinuxEntries
{
    public static IReadOnlyList<KeyValuePair<string, LinuxEntry>> Names { get; } =
        [new("boot-protocol-64", LinuxEntry.BootProtocol64), new("pvh", LinuxEntry.Pvh)];

    public static string Name(LinuxEntry entry) => Names.First(n => n.Value == entry).Key;
}

/// <summary>
/// The fault workload of vmspec's generated /init: it fills a buffer of <paramref name="Pages"/> 4 KiB pages with a
/// known pattern; the host then evicts those pages from guest RAM and refills them on demand through userfaultfd while
/// the guest reads them back, so the guest kernel itself takes the async #PFs.
/// </summary>
public sealed record LinuxWorkload(uint Pages)
{
    public const uint PageSize = 4096;

    /// <summary>256 MiB: the most a spec may ask for.</summary>
    public const uint MaxPages = 65536;

    public ulong Bytes => (ulong)Pages * PageSize;
}

public abstract record KernelSource;

public sealed record DebianKernel(string Package, string Version, string Sha256) : KernelSource;

/// <summary>A file by path relative to the directory of the spec being compiled, with forward slashes.</summary>
public sealed record FileReference(string Path, string Sha256) : KernelSource;
