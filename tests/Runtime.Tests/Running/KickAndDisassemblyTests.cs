using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.Running;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.Running;

public sealed class KickAndDisassemblyTests
{
    [Fact]
    public void A_kick_is_delivered_to_a_thread_and_the_no_op_handler_keeps_the_process_alive()
    {
        VcpuKick.EnsureHandlerInstalled();
        VcpuKick.EnsureHandlerInstalled(); // idempotent
        int tid = 0;
        using var ready = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() => { tid = VcpuKick.CurrentThreadId(); ready.Set(); release.Wait(); });
        thread.Start();
        ready.Wait(TestContext.Current.CancellationToken);

        int errno = VcpuKick.Kick(tid);
        release.Set();
        thread.Join();

        Assert.Equal(0, errno); // SIGUSR1's default action would have killed the test process
        Assert.NotEqual(Environment.ProcessId, tid);
    }

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
