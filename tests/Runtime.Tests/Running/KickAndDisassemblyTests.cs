using System.Diagnostics;
using Tmds.Linux;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.Running;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.Running;

public sealed class KickAndDisassemblyTests
{
    [Fact]
    public void The_timer_interrupts_a_blocked_thread_at_its_deadline_again_every_interval_and_never_after_Dispose()
    {
        VcpuKick.EnsureHandlerInstalled();
        VcpuKick.EnsureHandlerInstalled(); // idempotent
        var polls = new List<(int Errno, TimeSpan Took)>();
        var thread = new Thread(() =>
        {
            // poll() with no fds blocks like KVM_RUN until the timeout or a signal (EINTR; never restarted).
            var clock = Stopwatch.StartNew();
            using (ThreadSignalTimer.Start(VcpuKick.CurrentThreadId(), VcpuKick.Signal, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)))
            {
                polls.Add(BlockedPoll(5000, clock));
                polls.Add(BlockedPoll(5000, clock));
            }
            polls.Add(BlockedPoll(300, clock));
        });
        thread.Start();
        thread.Join();

        Assert.Equal([ErrnoNames.EINTR, ErrnoNames.EINTR, 0], polls.Select(p => p.Errno));
        Assert.InRange(polls[0].Took, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(4)); // not before the deadline
        Assert.True(polls[1].Took > polls[0].Took, "the repeat comes after the first signal");
        Assert.InRange(polls[2].Took - polls[1].Took, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(4)); // slept it out
    }

    private static (int Errno, TimeSpan Took) BlockedPoll(int timeoutMs, Stopwatch clock)
    {
        long rc = (long)LibC.syscall(SysPoll, 0, 0, timeoutMs);
        return (rc < 0 ? LibC.errno : 0, clock.Elapsed);
    }

    private const int SysPoll = 7;

    [Fact]
    public void Disassembly_shows_address_bytes_and_instruction()
    {
        byte[] code = [0x0f, 0x30, 0xeb, 0xfe]; // wrmsr; jmp $

        var lines = CodeDisassembler.Disassemble(code, 0x10040, 5);

        Assert.Equal(2, lines.Count);
        Assert.Equal("0000000000010040  0f30                  wrmsr", lines[0]);
        Assert.EndsWith("jmp short 0000000000010042h", lines[1]);
    }

    [Fact]
    public void Disassembly_at_RIP_reads_guest_memory_and_explains_unreadable_addresses()
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0, 0, 0x20000);
        memory.Write(0x10000, [0x0f, 0x0b]); // ud2

        Assert.EndsWith("ud2", CodeDisassembler.AtRip(memory, GuestLayout.Default, 0x10000)[0]);
        Assert.Contains("not readable", CodeDisassembler.AtRip(memory, GuestLayout.Default, 0x30000).Single());
        Assert.Contains("not identity-mapped", CodeDisassembler.AtRip(memory, GuestLayout.Default, 0xffff_8000_0000_0000).Single());
    }
}
