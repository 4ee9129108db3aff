using System.Buffers.Binary;
using System.Diagnostics;

namespace Vmspec.Runtime.Running;

/// <summary>
/// The run loop: KVM_RUN until a verdict, giving port I/O to the devices that claim it, page releases to the
/// userfaultfd slot, and decoding report-port I/O into events.
/// </summary>
public static class VcpuRunner
{
    /// <param name="userfaultSlot">The VM's userfaultfd slot, which OUTs to <see cref="ReportPorts.ReleasePage"/> release pages of.</param>
    /// <param name="flavour">This host's KVM: decides whether the vCPU state read after a failure is the guest's.</param>
    /// <param name="mmioDevices">Devices offered MMIO exits; an MMIO exit no device claims ends the run.</param>
    public static RunResult Run(KvmVcpuFd vcpu, GuestMemory memory, GuestLayout layout, TimeSpan timeout, IReadOnlyList<IPortIoDevice>? devices = null,
        UserfaultfdSlot? userfaultSlot = null, KvmFlavour flavour = KvmFlavour.Unknown, IReadOnlyList<IMmioDevice>? mmioDevices = null)
    {
        devices ??= [];
        mmioDevices ??= [];
        var events = new List<GuestEvent>();
        var eventTimes = new List<long>();
        var decoder = new ReportPortDecoder();
        var clock = Stopwatch.StartNew();
        int exits = 0;
        (RunVerdict Verdict, string Detail) outcome;

        using (var watchdog = new RunWatchdog(timeout))
        {
            while (true)
            {
                int errno = vcpu.RunOnce();
                exits++;
                if (watchdog.Fired)
                {
                    outcome = (RunVerdict.Timeout, $"no verdict within {timeout.TotalMilliseconds:0} ms");
                    break;
                }
                if (errno is ErrnoNames.EINTR or ErrnoNames.EAGAIN) continue;
                if (errno != 0)
                {
                    outcome = (RunVerdict.UnexpectedExit, $"KVM_RUN failed: {ErrnoNames.Name(errno)}");
                    break;
                }
                var dispatched = Dispatch(vcpu, decoder, devices, mmioDevices, userfaultSlot, events);
                StampNewEvents(events, eventTimes);
                if (dispatched is { } verdict)
                {
                    outcome = verdict;
                    break;
                }
            }
        }
        clock.Stop();
        FailureSnapshot? snapshot = null;
        string? unavailable = null;
        if (outcome.Verdict == RunVerdict.Shutdown && flavour == KvmFlavour.KvmAmd)
            unavailable = ResetByShutdownIntercept(vcpu);
        else if (outcome.Verdict != RunVerdict.Completed)
            snapshot = Snapshot(vcpu, memory, layout);
        return new RunResult(outcome.Verdict, outcome.Detail, events, snapshot, clock.Elapsed, exits, unavailable) { EventTimestamps = eventTimes };
    }

    /// <summary>The exit that produced an event is when the host learned of it: one timestamp per event, in order.</summary>
    private static void StampNewEvents(List<GuestEvent> events, List<long> eventTimes)
    {
        if (eventTimes.Count == events.Count)
            return;
        long now = Stopwatch.GetTimestamp();
        while (eventTimes.Count < events.Count)
            eventTimes.Add(now);
    }

    /// <summary>
    /// kvm_amd answers the SHUTDOWN intercept by INITing the vCPU (the VMCB is undefined after it), so the state
    /// KVM_EXIT_SHUTDOWN leaves is the reset state, not the triple fault's: say so, with what KVM returned.
    /// </summary>
    private static string ResetByShutdownIntercept(KvmVcpuFd vcpu)
    {
        KvmRegs regs = vcpu.GetRegs();
        KvmSregs sregs = vcpu.GetSregs();
        return $"kvm_amd's SHUTDOWN intercept reinitialises the VMCB, so KVM returns the vCPU's reset state "
            + $"(RIP 0x{regs.Rip:x}, CS base 0x{sregs.Cs.Base:x}, CR0 0x{sregs.Cr0:x}), not the state at the triple fault";
    }

    /// <summary>Handles one exit; a verdict ends the run, null continues it.</summary>
    private static (RunVerdict, string)? Dispatch(KvmVcpuFd vcpu, ReportPortDecoder decoder, IReadOnlyList<IPortIoDevice> devices,
        IReadOnlyList<IMmioDevice> mmioDevices, UserfaultfdSlot? userfaultSlot, List<GuestEvent> events)
    {
        ref KvmRunHeader run = ref vcpu.Run;
        switch ((KvmExitReason)run.ExitReason)
        {
            case KvmExitReason.Io:
            {
                KvmRunIo io = run.Io;
                if (devices.FirstOrDefault(d => d.Handles(io.Port)) is { } device)
                    return DeviceIo(device, io, vcpu.IoData, events);
                if (io.Port == ReportPorts.ReleasePage)
                    return ReleasePage(io, vcpu.IoData, run.IfFlag != 0, userfaultSlot, events);
                if (io.Count != 1)
                    return (RunVerdict.UnexpectedExit, $"string I/O ({io.Count} repetitions) on port 0x{io.Port:x}");
                GuestEvent? e = decoder.Decode(io.Port, io.Direction == KvmRunIo.DirectionOut, vcpu.IoData);
                if (e is null) return null;
                events.Add(e);
                return e.EndsRun ? VerdictFor(e) : null;
            }
            case KvmExitReason.Intr:
                return null;
            case KvmExitReason.Mmio when MmioDeviceFor(mmioDevices, run.Mmio.PhysAddr) is { } mmio:
                if (run.Mmio.IsWrite != 0) mmio.Write(run.Mmio.PhysAddr, vcpu.MmioData);
                else mmio.Read(run.Mmio.PhysAddr, vcpu.MmioData);
                return null;
            case KvmExitReason.Mmio:
                return (RunVerdict.UnexpectedExit, $"MMIO {(run.Mmio.IsWrite != 0 ? "write" : "read")} of {run.Mmio.Len} bytes at 0x{run.Mmio.PhysAddr:x}");
            case KvmExitReason.Hlt:
                return (RunVerdict.UnexpectedExit, "the guest executed HLT");
            case KvmExitReason.Shutdown:
                return (RunVerdict.Shutdown, "KVM_EXIT_SHUTDOWN (triple fault)");
            case KvmExitReason.FailEntry:
                return (RunVerdict.FailEntry, $"KVM_EXIT_FAIL_ENTRY, hardware reason 0x{run.FailEntry.HardwareEntryFailureReason:x} on cpu {run.FailEntry.Cpu}");
            case KvmExitReason.InternalError:
                return (RunVerdict.InternalError, InternalErrorDetail(ref run));
            default:
                return (RunVerdict.UnexpectedExit, $"exit reason {run.ExitReason}");
        }
    }

    private static IMmioDevice? MmioDeviceFor(IReadOnlyList<IMmioDevice> devices, ulong address) =>
        devices.FirstOrDefault(d => d.Handles(address));

    /// <summary>One device access per repetition (string I/O moves size * count bytes).</summary>
    private static (RunVerdict, string)? DeviceIo(IPortIoDevice device, KvmRunIo io, Span<byte> data, List<GuestEvent> events)
    {
        for (int i = 0; i < io.Count; i++)
        {
            Span<byte> item = data.Slice(i * io.Size, io.Size);
            if (io.Direction == KvmRunIo.DirectionIn)
            {
                device.Read(io.Port, item);
                continue;
            }
            if (device.Write(io.Port, item) is not { } e) continue;
            events.Add(e);
            if (e.EndsRun) return VerdictFor(e);
        }
        return null;
    }

    /// <summary>An OUT to <see cref="ReportPorts.ReleasePage"/>: one 32-bit page index, recorded with kvm_run.if_flag, then released.</summary>
    private static (RunVerdict, string)? ReleasePage(KvmRunIo io, ReadOnlySpan<byte> data, bool interruptsEnabled, UserfaultfdSlot? slot,
        List<GuestEvent> events)
    {
        string port = $"port 0x{ReportPorts.ReleasePage:x} (release a userfaultfd page)";
        string? problem = io.Direction != KvmRunIo.DirectionOut ? $"IN from {port}; it is write-only"
            : io.Size != 4 || io.Count != 1 ? $"{io.Size}-byte OUT x{io.Count} to {port}; expected one 4-byte OUT"
            : slot is null ? $"OUT to {port}, but the VM has no userfaultfd slot"
            : null;
        if (problem is null)
        {
            var release = new GuestPageRelease(BinaryPrimitives.ReadUInt32LittleEndian(data), interruptsEnabled);
            events.Add(release);
            if (slot!.Release(release.PageIndex))
                return null;
            problem = $"release of page {release.PageIndex}, but the userfaultfd slot has {slot.Pages} page(s)";
        }
        var violation = new ReportProtocolViolation(problem);
        events.Add(violation);
        return VerdictFor(violation);
    }

    private static (RunVerdict, string) VerdictFor(GuestEvent e) => e switch
    {
        GuestResetRequest r => (RunVerdict.Reset, $"the guest requested a reset: {r.Source}"),
        GuestDone d => (RunVerdict.Completed, $"done with status {d.Status}"),
        GuestAssertFailure a => (RunVerdict.GuestAssertFailed, $"guest assertion {a.Id} failed: {a.Message}"),
        GuestException x => (RunVerdict.GuestException, $"unhandled {x.VectorName} (vector {x.Vector}) at RIP 0x{x.Rip:x}, error code 0x{x.ErrorCode:x}, CR2 0x{x.Cr2:x}"),
        ReportProtocolViolation p => (RunVerdict.UnexpectedExit, p.Detail),
        _ => (RunVerdict.UnexpectedExit, $"unexpected event {e}"),
    };

    private static string InternalErrorDetail(ref KvmRunHeader run)
    {
        // Suberror 1 is KVM_INTERNAL_ERROR_EMULATION: the instruction emulator gave up.
        ulong[] data = run.Internal.DataWords();
        return $"KVM_EXIT_INTERNAL_ERROR suberror {run.Internal.Suberror}"
            + (data.Length > 0 ? $", data [{string.Join(", ", data.Select(d => $"0x{d:x}"))}]" : "");
    }

    private static FailureSnapshot Snapshot(KvmVcpuFd vcpu, GuestMemory memory, GuestLayout layout)
    {
        KvmRegs regs = vcpu.GetRegs();
        KvmSregs sregs = vcpu.GetSregs();
        return new FailureSnapshot(regs, sregs.Cr0, sregs.Cr2, sregs.Cr3, sregs.Cr4, sregs.Efer, sregs.Cs.Selector,
            CodeDisassembler.AtRip(memory, layout, regs.Rip));
    }
}
