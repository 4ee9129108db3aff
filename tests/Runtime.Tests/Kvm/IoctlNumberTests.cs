using System.Text;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Tests.Support;

namespace Vmspec.Runtime.Tests.Kvm;

/// <summary>Every ioctl number and ABI constant equals the value the C headers produce.</summary>
public sealed class IoctlNumberTests
{
    private static readonly (string CName, ulong Value)[] Constants =
    [
        ("KVM_GET_API_VERSION", KvmIoctls.GetApiVersion),
        ("KVM_CREATE_VM", KvmIoctls.CreateVm),
        ("KVM_CHECK_EXTENSION", KvmIoctls.CheckExtension),
        ("KVM_GET_VCPU_MMAP_SIZE", KvmIoctls.GetVcpuMmapSize),
        ("KVM_GET_SUPPORTED_CPUID", KvmIoctls.GetSupportedCpuid),
        ("KVM_CREATE_VCPU", KvmIoctls.CreateVcpu),
        ("KVM_SET_USER_MEMORY_REGION", KvmIoctls.SetUserMemoryRegion),
        ("KVM_CREATE_IRQCHIP", KvmIoctls.CreateIrqchip),
        ("KVM_IRQ_LINE", KvmIoctls.IrqLine),
        ("KVM_CREATE_PIT2", KvmIoctls.CreatePit2),
        ("KVM_PIT_SPEAKER_DUMMY", KvmPitConfig.SpeakerDummy),
        ("KVM_RUN", KvmIoctls.Run),
        ("KVM_GET_REGS", KvmIoctls.GetRegs),
        ("KVM_SET_REGS", KvmIoctls.SetRegs),
        ("KVM_GET_SREGS", KvmIoctls.GetSregs),
        ("KVM_SET_SREGS", KvmIoctls.SetSregs),
        ("KVM_GET_MSRS", KvmIoctls.GetMsrs),
        ("KVM_SET_MSRS", KvmIoctls.SetMsrs),
        ("KVM_SET_CPUID2", KvmIoctls.SetCpuid2),
        ("KVM_ENABLE_CAP", KvmIoctls.EnableCap),
        ("UFFDIO_API", UffdIoctls.Api),
        ("UFFDIO_REGISTER", UffdIoctls.Register),
        ("UFFDIO_COPY", UffdIoctls.Copy),
        ("USERFAULTFD_IOC_NEW", UffdIoctls.DeviceNew),
        ("UFFD_API", UffdIoctls.UffdApi),
        ("UFFD_FEATURE_THREAD_ID", UffdIoctls.FeatureThreadId),
        ("UFFDIO_REGISTER_MODE_MISSING", UffdIoctls.RegisterModeMissing),
        ("UFFD_EVENT_PAGEFAULT", UffdIoctls.EventPagefault),
        ("KVM_CAP_IRQCHIP", (ulong)KvmCap.Irqchip),
        ("KVM_CAP_HLT", (ulong)KvmCap.Hlt),
        ("KVM_CAP_USER_MEMORY", (ulong)KvmCap.UserMemory),
        ("KVM_CAP_SET_TSS_ADDR", (ulong)KvmCap.SetTssAddr),
        ("KVM_CAP_EXT_CPUID", (ulong)KvmCap.ExtCpuid),
        ("KVM_CAP_NR_VCPUS", (ulong)KvmCap.NrVcpus),
        ("KVM_CAP_NR_MEMSLOTS", (ulong)KvmCap.NrMemslots),
        ("KVM_CAP_MP_STATE", (ulong)KvmCap.MpState),
        ("KVM_CAP_ASYNC_PF", (ulong)KvmCap.AsyncPf),
        ("KVM_CAP_MAX_VCPUS", (ulong)KvmCap.MaxVcpus),
        ("KVM_CAP_SYNC_REGS", (ulong)KvmCap.SyncRegs),
        ("KVM_CAP_X2APIC_API", (ulong)KvmCap.X2ApicApi),
        ("KVM_CAP_IMMEDIATE_EXIT", (ulong)KvmCap.ImmediateExit),
        ("KVM_CAP_GET_MSR_FEATURES", (ulong)KvmCap.GetMsrFeatures),
        ("KVM_CAP_ASYNC_PF_INT", (ulong)KvmCap.AsyncPfInt),
        ("KVM_CAP_X86_USER_SPACE_MSR", (ulong)KvmCap.X86UserSpaceMsr),
        ("KVM_CAP_ENFORCE_PV_FEATURE_CPUID", (ulong)KvmCap.EnforcePvFeatureCpuid),
        ("KVM_EXIT_UNKNOWN", (ulong)KvmExitReason.Unknown),
        ("KVM_EXIT_IO", (ulong)KvmExitReason.Io),
        ("KVM_EXIT_HLT", (ulong)KvmExitReason.Hlt),
        ("KVM_EXIT_MMIO", (ulong)KvmExitReason.Mmio),
        ("KVM_EXIT_SHUTDOWN", (ulong)KvmExitReason.Shutdown),
        ("KVM_EXIT_FAIL_ENTRY", (ulong)KvmExitReason.FailEntry),
        ("KVM_EXIT_INTR", (ulong)KvmExitReason.Intr),
        ("KVM_EXIT_INTERNAL_ERROR", (ulong)KvmExitReason.InternalError),
        ("KVM_EXIT_SYSTEM_EVENT", (ulong)KvmExitReason.SystemEvent),
        ("KVM_EXIT_IO_OUT", KvmRunIo.DirectionOut),
        ("KVM_CPUID_FLAG_SIGNIFCANT_INDEX", KvmCpuidEntry2.FlagSignificantIndex),
        ("SYS_gettid", NativeCalls.SysGettid),
        ("SYS_userfaultfd", NativeCalls.SysUserfaultfd),
        ("SYS_timer_create", NativeCalls.SysTimerCreate),
        ("SYS_timer_settime", NativeCalls.SysTimerSettime),
        ("SYS_timer_delete", NativeCalls.SysTimerDelete),
        ("SIGEV_THREAD_ID", SigEvent.NotifyThreadId),
        ("CLOCK_MONOTONIC", ThreadSignalTimer.ClockMonotonic),
    ];

    [Fact]
    public void Ioctl_numbers_and_constants_match_the_C_headers()
    {
        var c = new StringBuilder(UapiLayoutTests.Includes).AppendLine("#include <sys/syscall.h>\nint main(void) {");
        foreach (var (name, _) in Constants)
            c.AppendLine($"  printf(\"{name} %llu\\n\", (unsigned long long)({name}));");
        c.AppendLine("  return 0;\n}");

        var measured = CProgram.Run("ioctls", c.ToString());

        var mismatches = Constants.Where(k => measured[k.CName] != k.Value)
            .Select(k => $"{k.CName}: C {measured[k.CName]:#x}, C# {k.Value:#x}").ToList();
        Assert.Empty(mismatches);
    }

    [Fact]
    public void IOC_encoding_places_direction_size_type_and_number()
    {
        Assert.Equal(0xC008AE05u, IoctlCodes.Iowr(0xAE, 0x05, 8));
        Assert.Equal(0x0000AE80u, IoctlCodes.Io(0xAE, 0x80));
        Assert.Equal(0x8090AE81u, IoctlCodes.Ior(0xAE, 0x81, 144));
        Assert.Equal(0x4090AE82u, IoctlCodes.Iow(0xAE, 0x82, 144));
    }
}
