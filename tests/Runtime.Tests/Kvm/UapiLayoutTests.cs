using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Tests.Support;

namespace Vmspec.Runtime.Tests.Kvm;

/// <summary>Every mirrored uapi struct has the size and field offsets gcc computes from the installed headers.</summary>
public sealed class UapiLayoutTests
{
    private static int Off<T>(string field) where T : struct => (int)Marshal.OffsetOf<T>(field);

    private static readonly (string CType, int Size)[] Sizes =
    [
        ("struct kvm_regs", Unsafe.SizeOf<KvmRegs>()),
        ("struct kvm_segment", Unsafe.SizeOf<KvmSegment>()),
        ("struct kvm_dtable", Unsafe.SizeOf<KvmDtable>()),
        ("struct kvm_sregs", Unsafe.SizeOf<KvmSregs>()),
        ("struct kvm_userspace_memory_region", Unsafe.SizeOf<KvmUserspaceMemoryRegion>()),
        ("struct kvm_cpuid2", Unsafe.SizeOf<KvmArrayHeader>()),
        ("struct kvm_cpuid_entry2", Unsafe.SizeOf<KvmCpuidEntry2>()),
        ("struct kvm_msrs", Unsafe.SizeOf<KvmArrayHeader>()),
        ("struct kvm_msr_entry", Unsafe.SizeOf<KvmMsrEntry>()),
        ("struct kvm_enable_cap", Unsafe.SizeOf<KvmEnableCap>()),
        ("struct kvm_pit_config", Unsafe.SizeOf<KvmPitConfig>()),
        ("struct kvm_irq_level", Unsafe.SizeOf<KvmIrqLevel>()),
        ("struct uffdio_api", Unsafe.SizeOf<UffdioApi>()),
        ("struct uffdio_range", Unsafe.SizeOf<UffdioRange>()),
        ("struct uffdio_register", Unsafe.SizeOf<UffdioRegister>()),
        ("struct uffdio_copy", Unsafe.SizeOf<UffdioCopy>()),
        ("struct uffd_msg", Unsafe.SizeOf<UffdMsg>()),
        ("struct sigevent", Unsafe.SizeOf<SigEvent>()),
        ("struct itimerspec", Unsafe.SizeOf<ITimerSpec>()),
        ("((struct kvm_run*)0)->io", Unsafe.SizeOf<KvmRunIo>()),
        ("((struct kvm_run*)0)->fail_entry", Unsafe.SizeOf<KvmRunFailEntry>()),
        ("((struct kvm_run*)0)->internal", Unsafe.SizeOf<KvmRunInternal>()),
    ];

    private static readonly (string CType, string CField, int Offset)[] Offsets =
    [
        ("struct kvm_regs", "rax", Off<KvmRegs>("Rax")),
        ("struct kvm_regs", "rbp", Off<KvmRegs>("Rbp")),
        ("struct kvm_regs", "r8", Off<KvmRegs>("R8")),
        ("struct kvm_regs", "r15", Off<KvmRegs>("R15")),
        ("struct kvm_regs", "rip", Off<KvmRegs>("Rip")),
        ("struct kvm_regs", "rflags", Off<KvmRegs>("Rflags")),
        ("struct kvm_segment", "base", Off<KvmSegment>("Base")),
        ("struct kvm_segment", "limit", Off<KvmSegment>("Limit")),
        ("struct kvm_segment", "selector", Off<KvmSegment>("Selector")),
        ("struct kvm_segment", "type", Off<KvmSegment>("Type")),
        ("struct kvm_segment", "present", Off<KvmSegment>("Present")),
        ("struct kvm_segment", "dpl", Off<KvmSegment>("Dpl")),
        ("struct kvm_segment", "db", Off<KvmSegment>("Db")),
        ("struct kvm_segment", "s", Off<KvmSegment>("S")),
        ("struct kvm_segment", "l", Off<KvmSegment>("L")),
        ("struct kvm_segment", "g", Off<KvmSegment>("G")),
        ("struct kvm_segment", "avl", Off<KvmSegment>("Avl")),
        ("struct kvm_segment", "unusable", Off<KvmSegment>("Unusable")),
        ("struct kvm_dtable", "base", Off<KvmDtable>("Base")),
        ("struct kvm_dtable", "limit", Off<KvmDtable>("Limit")),
        ("struct kvm_sregs", "cs", Off<KvmSregs>("Cs")),
        ("struct kvm_sregs", "ds", Off<KvmSregs>("Ds")),
        ("struct kvm_sregs", "es", Off<KvmSregs>("Es")),
        ("struct kvm_sregs", "fs", Off<KvmSregs>("Fs")),
        ("struct kvm_sregs", "gs", Off<KvmSregs>("Gs")),
        ("struct kvm_sregs", "ss", Off<KvmSregs>("Ss")),
        ("struct kvm_sregs", "tr", Off<KvmSregs>("Tr")),
        ("struct kvm_sregs", "ldt", Off<KvmSregs>("Ldt")),
        ("struct kvm_sregs", "gdt", Off<KvmSregs>("Gdt")),
        ("struct kvm_sregs", "idt", Off<KvmSregs>("Idt")),
        ("struct kvm_sregs", "cr0", Off<KvmSregs>("Cr0")),
        ("struct kvm_sregs", "cr2", Off<KvmSregs>("Cr2")),
        ("struct kvm_sregs", "cr3", Off<KvmSregs>("Cr3")),
        ("struct kvm_sregs", "cr4", Off<KvmSregs>("Cr4")),
        ("struct kvm_sregs", "cr8", Off<KvmSregs>("Cr8")),
        ("struct kvm_sregs", "efer", Off<KvmSregs>("Efer")),
        ("struct kvm_sregs", "apic_base", Off<KvmSregs>("ApicBase")),
        ("struct kvm_sregs", "interrupt_bitmap", Off<KvmSregs>("InterruptBitmap")),
        ("struct kvm_run", "request_interrupt_window", Off<KvmRunHeader>("RequestInterruptWindow")),
        ("struct kvm_run", "immediate_exit", Off<KvmRunHeader>("ImmediateExit")),
        ("struct kvm_run", "exit_reason", Off<KvmRunHeader>("ExitReason")),
        ("struct kvm_run", "ready_for_interrupt_injection", Off<KvmRunHeader>("ReadyForInterruptInjection")),
        ("struct kvm_run", "if_flag", Off<KvmRunHeader>("IfFlag")),
        ("struct kvm_run", "flags", Off<KvmRunHeader>("Flags")),
        ("struct kvm_run", "cr8", Off<KvmRunHeader>("Cr8")),
        ("struct kvm_run", "apic_base", Off<KvmRunHeader>("ApicBase")),
        ("struct kvm_run", "hw", Off<KvmRunHeader>("Hw")),
        ("struct kvm_run", "io.direction", Off<KvmRunHeader>("Io") + Off<KvmRunIo>("Direction")),
        ("struct kvm_run", "io.size", Off<KvmRunHeader>("Io") + Off<KvmRunIo>("Size")),
        ("struct kvm_run", "io.port", Off<KvmRunHeader>("Io") + Off<KvmRunIo>("Port")),
        ("struct kvm_run", "io.count", Off<KvmRunHeader>("Io") + Off<KvmRunIo>("Count")),
        ("struct kvm_run", "io.data_offset", Off<KvmRunHeader>("Io") + Off<KvmRunIo>("DataOffset")),
        ("struct kvm_run", "mmio.phys_addr", Off<KvmRunHeader>("Mmio") + Off<KvmRunMmio>("PhysAddr")),
        ("struct kvm_run", "mmio.data", Off<KvmRunHeader>("Mmio") + Off<KvmRunMmio>("Data")),
        ("struct kvm_run", "mmio.len", Off<KvmRunHeader>("Mmio") + Off<KvmRunMmio>("Len")),
        ("struct kvm_run", "mmio.is_write", Off<KvmRunHeader>("Mmio") + Off<KvmRunMmio>("IsWrite")),
        ("struct kvm_run", "fail_entry.hardware_entry_failure_reason", Off<KvmRunHeader>("FailEntry") + Off<KvmRunFailEntry>("HardwareEntryFailureReason")),
        ("struct kvm_run", "fail_entry.cpu", Off<KvmRunHeader>("FailEntry") + Off<KvmRunFailEntry>("Cpu")),
        ("struct kvm_run", "internal.suberror", Off<KvmRunHeader>("Internal") + Off<KvmRunInternal>("Suberror")),
        ("struct kvm_run", "internal.ndata", Off<KvmRunHeader>("Internal") + Off<KvmRunInternal>("Ndata")),
        ("struct kvm_run", "internal.data", Off<KvmRunHeader>("Internal") + Off<KvmRunInternal>("Data")),
        ("struct kvm_run", "kvm_valid_regs", Unsafe.SizeOf<KvmRunHeader>()),
        ("struct kvm_userspace_memory_region", "slot", Off<KvmUserspaceMemoryRegion>("Slot")),
        ("struct kvm_userspace_memory_region", "flags", Off<KvmUserspaceMemoryRegion>("Flags")),
        ("struct kvm_userspace_memory_region", "guest_phys_addr", Off<KvmUserspaceMemoryRegion>("GuestPhysAddr")),
        ("struct kvm_userspace_memory_region", "memory_size", Off<KvmUserspaceMemoryRegion>("MemorySize")),
        ("struct kvm_userspace_memory_region", "userspace_addr", Off<KvmUserspaceMemoryRegion>("UserspaceAddr")),
        ("struct kvm_cpuid2", "nent", Off<KvmArrayHeader>("Count")),
        ("struct kvm_cpuid2", "entries", Unsafe.SizeOf<KvmArrayHeader>()),
        ("struct kvm_cpuid_entry2", "function", Off<KvmCpuidEntry2>("Function")),
        ("struct kvm_cpuid_entry2", "index", Off<KvmCpuidEntry2>("Index")),
        ("struct kvm_cpuid_entry2", "flags", Off<KvmCpuidEntry2>("Flags")),
        ("struct kvm_cpuid_entry2", "eax", Off<KvmCpuidEntry2>("Eax")),
        ("struct kvm_cpuid_entry2", "ebx", Off<KvmCpuidEntry2>("Ebx")),
        ("struct kvm_cpuid_entry2", "ecx", Off<KvmCpuidEntry2>("Ecx")),
        ("struct kvm_cpuid_entry2", "edx", Off<KvmCpuidEntry2>("Edx")),
        ("struct kvm_msrs", "nmsrs", Off<KvmArrayHeader>("Count")),
        ("struct kvm_msrs", "entries", Unsafe.SizeOf<KvmArrayHeader>()),
        ("struct kvm_msr_entry", "index", Off<KvmMsrEntry>("Index")),
        ("struct kvm_msr_entry", "reserved", Off<KvmMsrEntry>("Reserved")),
        ("struct kvm_msr_entry", "data", Off<KvmMsrEntry>("Data")),
        ("struct kvm_enable_cap", "cap", Off<KvmEnableCap>("Cap")),
        ("struct kvm_enable_cap", "flags", Off<KvmEnableCap>("Flags")),
        ("struct kvm_enable_cap", "args", Off<KvmEnableCap>("Args")),
        ("struct kvm_enable_cap", "pad", Off<KvmEnableCap>("Pad")),
        ("struct kvm_pit_config", "flags", Off<KvmPitConfig>("Flags")),
        ("struct kvm_pit_config", "pad", Off<KvmPitConfig>("Pad")),
        ("struct kvm_irq_level", "irq", Off<KvmIrqLevel>("Irq")),
        ("struct kvm_irq_level", "level", Off<KvmIrqLevel>("Level")),
        ("struct uffdio_api", "api", Off<UffdioApi>("Api")),
        ("struct uffdio_api", "features", Off<UffdioApi>("Features")),
        ("struct uffdio_api", "ioctls", Off<UffdioApi>("Ioctls")),
        ("struct uffdio_register", "range.start", Off<UffdioRegister>("Range") + Off<UffdioRange>("Start")),
        ("struct uffdio_register", "range.len", Off<UffdioRegister>("Range") + Off<UffdioRange>("Len")),
        ("struct uffdio_register", "mode", Off<UffdioRegister>("Mode")),
        ("struct uffdio_register", "ioctls", Off<UffdioRegister>("Ioctls")),
        ("struct uffdio_copy", "dst", Off<UffdioCopy>("Dst")),
        ("struct uffdio_copy", "src", Off<UffdioCopy>("Src")),
        ("struct uffdio_copy", "len", Off<UffdioCopy>("Len")),
        ("struct uffdio_copy", "mode", Off<UffdioCopy>("Mode")),
        ("struct uffdio_copy", "copy", Off<UffdioCopy>("Copy")),
        ("struct uffd_msg", "event", Off<UffdMsg>("Event")),
        ("struct uffd_msg", "arg.pagefault.flags", Off<UffdMsg>("PagefaultFlags")),
        ("struct uffd_msg", "arg.pagefault.address", Off<UffdMsg>("PagefaultAddress")),
        ("struct uffd_msg", "arg.pagefault.feat.ptid", Off<UffdMsg>("PagefaultPtid")),
        ("struct sigevent", "sigev_value", Off<SigEvent>("Value")),
        ("struct sigevent", "sigev_signo", Off<SigEvent>("Signo")),
        ("struct sigevent", "sigev_notify", Off<SigEvent>("Notify")),
        ("struct sigevent", "_sigev_un._tid", Off<SigEvent>("ThreadId")),
        ("struct itimerspec", "it_interval", Off<ITimerSpec>("Interval")),
        ("struct itimerspec", "it_value", Off<ITimerSpec>("Value")),
        ("struct timespec", "tv_nsec", Off<Timespec>("Nanoseconds")),
    ];

    internal const string Includes = "#include <stdio.h>\n#include <stddef.h>\n#include <signal.h>\n#include <time.h>\n#include <linux/kvm.h>\n#include <linux/userfaultfd.h>\n";

    [Fact]
    public void Struct_sizes_and_offsets_match_the_installed_uapi_headers()
    {
        var c = new StringBuilder(Includes).AppendLine("int main(void) {");
        foreach (var (type, _) in Sizes)
            c.AppendLine($"  printf(\"size:{type.Replace("\"", "")} %zu\\n\", sizeof({type}));");
        foreach (var (type, field, _) in Offsets)
            c.AppendLine($"  printf(\"offset:{type}.{field} %zu\\n\", offsetof({type}, {field}));");
        c.AppendLine("  return 0;\n}");

        var measured = CProgram.Run("layouts", c.ToString());

        var mismatches = new List<string>();
        foreach (var (type, size) in Sizes)
            if (measured[$"size:{type}"] != (ulong)size) mismatches.Add($"sizeof({type}): C {measured[$"size:{type}"]}, C# {size}");
        foreach (var (type, field, offset) in Offsets)
            if (measured[$"offset:{type}.{field}"] != (ulong)offset) mismatches.Add($"offsetof({type}, {field}): C {measured[$"offset:{type}.{field}"]}, C# {offset}");
        Assert.Empty(mismatches);
    }
}
