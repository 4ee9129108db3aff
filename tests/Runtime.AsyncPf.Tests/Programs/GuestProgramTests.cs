using Iced.Intel;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Tests.Support;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.AsyncPf.Tests.Programs;

public class GuestProgramTests
{
    private static readonly GuestLayout Layout = GuestLayout.Default;
    private static readonly GuestVariables Vars = GuestVariables.For(Layout);

    private static GuestProgram AsyncPf() => AsyncPfGuest.Build(Layout, Reports.Setup(6), 0x40_0000);

    private static GuestProgram Msr() => MsrProtocolGuest.Build(Layout,
    [
        MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec),
        MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x6009),
        MsrAccess.Read(KvmPvMsrs.AsyncPfEn),
    ]);

    private static List<Instruction> Decode(GuestProgram program, ulong from)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(program.Code), program.LoadAddress);
        decoder.IP = from;
        var reader = new ByteArrayCodeReader(program.Code) { Position = (int)(from - program.LoadAddress) };
        decoder = Decoder.Create(64, reader, from);
        var list = new List<Instruction>();
        while (reader.CanReadByte)
        {
            decoder.Decode(out var instruction);
            list.Add(instruction);
        }
        return list;
    }

    [Fact]
    public void Programs_are_deterministic_and_pinned()
    {
        Assert.Equal(AsyncPf().Sha256, AsyncPf().Sha256);
        Assert.Equal(Msr().Sha256, Msr().Sha256);
        Assert.Equal(MinimalGuest.Build(Layout).Sha256, MinimalGuest.Build(Layout).Sha256);
        Assert.Equal("e1f766e8fc8885c074c43438181577511f4cdebb3df8ab566c17d5a808297d60", AsyncPf().Sha256);
        Assert.Equal("5b1c7017f020069676916ace0b42ae6a3f6f6b27e52606fa7bef070ba8e63656", Msr().Sha256);
    }

    [Fact]
    public void Async_pf_guest_decodes_to_the_prototypes_instructions()
    {
        var program = AsyncPf();
        var code = Decode(program, program.Entry);
        Assert.DoesNotContain(code, i => i.IsInvalid && i.Code == Code.INVALID && i.Length == 0);
        // The setup writes: INT = 0xec then EN = 0x6009, each through the fault-surviving WRMSR.
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Mov && i.Op1Kind is OpKind.Immediate64 or OpKind.Immediate32to64 && i.GetImmediate(1) == 0x6009);
        var main = code.TakeWhile(i => i.Mnemonic != Mnemonic.Ud2).ToList();
        Assert.True(main.Count < code.Count, "the touch loop ends in UD2");
        // x2APIC base, SVR, then MSR_KVM_ASYNC_PF_INT and MSR_KVM_ASYNC_PF_EN.
        Assert.Equal(4, main.Count(i => i.Mnemonic == Mnemonic.Wrmsr));
        // The touch loop: a load through R14 (the slot page) stored to the data page's values.
        Assert.Contains(main, i => i.Mnemonic == Mnemonic.Mov && i.Op0Kind == OpKind.Register && i.MemoryBase == Register.R14);
        Assert.Contains(main, i => i.Mnemonic == Mnemonic.Mov && i.MemoryIndex == Register.R15 && i.MemoryDisplacement64 == (ulong)Vars.Values);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Iretq);
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Rdtsc);
    }

    [Fact]
    public void Handlers_cover_page_fault_finish_and_every_interrupt_vector()
    {
        var program = AsyncPf();
        Assert.Contains(14, program.InterruptHandlers.Keys);
        Assert.Contains(6, program.InterruptHandlers.Keys);
        Assert.All(Enumerable.Range(PageReadyHandler.FirstVector, 256 - PageReadyHandler.FirstVector), v => Assert.Contains(v, program.InterruptHandlers.Keys));
        // The #PF handler reads the apf flags through the area pointer kept in the data page.
        var pf = Decode(program, program.InterruptHandlers[14]).Take(12).ToList();
        Assert.Contains(pf, i => i.Mnemonic == Mnemonic.Mov && i.MemoryBase == Register.None && i.MemoryDisplacement64 == (ulong)Vars.AreaGpa);
        Assert.Contains(pf, i => i.Mnemonic == Mnemonic.Mov && i.MemoryBase == Register.R12 && i.MemoryDisplacement64 == KvmVcpuPvApfData.FlagsOffset);
    }

    [Fact]
    public void Page_fault_handler_releases_the_page_with_interrupts_on_before_it_waits()
    {
        var program = AsyncPf();
        var pf = Decode(program, program.InterruptHandlers[14]).TakeWhile(i => i.Mnemonic != Mnemonic.Iretq).ToList();
        int sti = pf.FindIndex(i => i.Mnemonic == Mnemonic.Sti);
        int release = pf.FindIndex(i => i.Mnemonic == Mnemonic.Out && i.Op0Kind == OpKind.Immediate8 && i.Immediate8 == ReportPorts.ReleasePage);
        int cli = pf.FindIndex(i => i.Mnemonic == Mnemonic.Cli);
        int firstWaitRead = pf.FindIndex(i => i.Mnemonic == Mnemonic.Cmp && i.MemoryDisplacement64 == (ulong)Vars.LastReadyToken);
        Assert.True(sti >= 0 && release > sti && firstWaitRead > release && cli > firstWaitRead,
            $"sti {sti}, release {release}, first wait read {firstWaitRead}, cli {cli}");
        // The page released is the one being touched: the count of completed touches, loaded into EAX for the OUT.
        Assert.Contains(pf.Skip(sti).Take(release - sti), i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.EAX
            && i.MemoryDisplacement64 == (ulong)Vars.TouchesDone);
        // Only the release OUT runs with interrupts on: every report OUT is before the STI or after the CLI.
        var outs = pf.Select((i, n) => (i, n)).Where(x => x.i.Mnemonic == Mnemonic.Out).Select(x => x.n);
        Assert.All(outs, n => Assert.True(n < sti || n == release || n > cli, $"OUT at {n} between STI {sti} and CLI {cli}"));
    }

    [Fact]
    public void Page_ready_handler_clears_the_token_EOIs_and_ACKs()
    {
        var program = Msr();
        var handler = Decode(program, program.InterruptHandlers[0xec]);
        Assert.Equal(Mnemonic.Push, handler[0].Mnemonic);
        Assert.Equal(0xecUL, handler[0].GetImmediate(0));
        Assert.Equal(Mnemonic.Jmp, handler[1].Mnemonic);
        var common = Decode(program, handler[1].NearBranchTarget).TakeWhile(i => i.Mnemonic != Mnemonic.Iretq).ToList();
        Assert.Contains(common, i => i.Mnemonic == Mnemonic.Mov && i.MemoryBase == Register.R12 && i.MemoryDisplacement64 == KvmVcpuPvApfData.TokenOffset && i.Op1Kind == OpKind.Immediate32);
        var ecxLoads = common.Where(i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.ECX && i.Op1Kind == OpKind.Immediate32).Select(i => i.GetImmediate(1)).ToList();
        Assert.Equal([MsrIndex.X2ApicEoi, KvmPvMsrs.AsyncPfAck], ecxLoads.Take(2).Select(v => (uint)v));
    }

    [Fact]
    public void MSR_guest_waits_after_enabling_writes_by_default()
    {
        var code = Decode(Msr(), Layout.Code);
        Assert.Equal(1, code.Count(i => i.Mnemonic == Mnemonic.Sti));
        var few = MsrProtocolGuest.Build(Layout, [MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec)]);
        Assert.Equal(0, Decode(few, Layout.Code).Count(i => i.Mnemonic == Mnemonic.Sti));
    }

    [Fact]
    public void MSR_guest_waits_exactly_after_the_accesses_that_say_so()
    {
        var program = MsrProtocolGuest.Build(Layout,
        [
            MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x6009) with { Wait = false },
            MsrAccess.Read(KvmPvMsrs.AsyncPfAck) with { Wait = true },
            MsrAccess.Write(KvmPvMsrs.AsyncPfAck, 1) with { Wait = true },
        ]);
        var code = Decode(program, Layout.Code).TakeWhile(i => i.Mnemonic != Mnemonic.Jmp || i.NearBranchTarget != i.IP).ToList();
        Assert.Equal(2, code.Count(i => i.Mnemonic == Mnemonic.Sti));
        // The wait ends only once the slot is empty again: it reads the token through the recorded area.
        Assert.Contains(code, i => i.Mnemonic == Mnemonic.Cmp && i.MemoryBase == Register.RAX && i.MemoryDisplacement64 == KvmVcpuPvApfData.TokenOffset);
    }

    [Fact]
    public void MSR_guest_reports_the_token_left_in_its_slot_at_the_end()
    {
        var code = Decode(Msr(), Layout.Code);
        int done = code.FindIndex(i => i.Mnemonic == Mnemonic.Out && i.Immediate8 == ReportPorts.Done);
        var tail = code.Take(done).TakeLast(16).ToList();
        Assert.Contains(tail, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.EAX && i.MemoryBase == Register.R12
            && i.MemoryDisplacement64 == KvmVcpuPvApfData.TokenOffset);
        Assert.Contains(tail, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.EAX && i.Op1Kind == OpKind.Immediate32
            && i.Immediate32 == GuestReports.SlotToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GuestVariables.MaxPages + 1)]
    public void Workload_outside_the_data_page_is_refused(int pages) =>
        Assert.Throws<ArgumentException>(() => AsyncPfGuest.Build(Layout, Reports.Setup(pages), 0x40_0000));
}
