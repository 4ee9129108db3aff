using System.Diagnostics;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Running;

/// <summary>The run loop: KVM_RUN until a verdict, giving port I/O to the devices that claim it and decoding report-port I/O into events.</summary>
public static class VcpuRunner
{
    public static RunResult Run(KvmVcpuFd vcpu, GuestMemory memory, GuestLayout layout, TimeSpan timeout, IReadOnlyList<IPortIoDevice>? devices = null)
    {
        devices ??= [];
        var events = new List<GuestEvent>();
        var decoder = new ReportPortDecoder();
        var clock = Stopwatch.StartNew();
        int exits = 0;
        (RunVerdict Verdict, string Detail) outcome;

        using (var watchdog = new RunWatchdog(vcpu, timeout))
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
                if (Dispatch(vcpu, decoder, devices, events) is { } verdict)
                {
                    outcome = verdict;
                    break;
                }
            }
        }
        vcpu.ClearImmediateExit();
        clock.Stop();
        FailureSnapshot? snapshot = outcome.Verdict == RunVerdict.Completed ? null : Snapshot(vcpu, memory, layout);
        return new RunResult(outcome.Verdict, outcome.Detail, events, snapshot, clock.Elapsed, exits);
    }

    /// <summary>Handles one exit; a verdict ends the run, null continues it.</summary>
    private static (RunVerdict, string)? Dispatch(KvmVcpuFd vcpu, ReportPortDecoder decoder, IReadOnlyList<IPortIoDevice> devices, List<GuestEvent> events)
    {
        ref KvmRunHeader run = ref vcpu.Run;
        switch ((KvmExitReason)run.ExitReason)
        {
            case KvmExitReason.Io:
            {
                KvmRunIo io = run.Io;
                if (devices.FirstOrDefault(d => d.Handles(io.Port)) is { } device)
                    return DeviceIo(device, io, vcpu.IoData, events);
                if (io.Count != 1)
                    return (RunVerdict.UnexpectedExit, $"string I/O ({io.Count} repetitions) on port 0x{io.Port:x}");
                GuestEvent? e = decoder.Decode(io.Port, io.Direction == KvmRunIo.DirectionOut, vcpu.IoData);
                if (e is null) return null;
                events.Add(e);
                return e.EndsRun ? VerdictFor(e) : null;
            }
            case KvmExitReason.Intr:
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
