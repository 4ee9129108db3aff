using Iced.Intel;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.Tests.Support;
using Vmspec.Runtime.X86;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Tests.Guests;

public sealed class GuestKitTests
{
    private static readonly GuestLayout Layout = GuestLayout.Default;

    [Fact]
    public void Minimal_guest_decodes_to_CPUID_report_and_done()
    {
        GuestProgram program = MinimalGuest.Build(Layout);

        var text = GuestCode.DecodeAll(program).Take(14).Select(GuestCode.Format).ToArray();

        Assert.Equal(
        [
            "mov rsp,1F0000h", "mov eax,40000001h", "mov ecx,0", "cpuid",
            "push rax", "mov eax,1", "out 0E0h,eax", "pop rax", "out 0E1h,eax", "shr rax,20h", "out 0E2h,eax",
            "mov eax,0", "out 0EFh,eax", "jmp short 000000000001002Eh",
        ], text);
        Assert.Equal(Layout.Code, program.Entry);
    }

    [Fact]
    public void Same_calls_give_the_same_bytes()
    {
        GuestProgram a = MinimalGuest.Build(Layout), b = MinimalGuest.Build(Layout);

        Assert.Equal(a.Code, b.Code);
        // Pinned: a change here means the guest kit's encoding changed (update deliberately).
        Assert.Equal("ba079afafe0364aedf5531278d85730bc51b60f9c580ceebfb41000609881916", a.Sha256);
    }

    [Fact]
    public void Exception_stubs_cover_vectors_0_to_31_and_push_a_dummy_error_code_only_when_the_CPU_does_not()
    {
        GuestProgram program = MinimalGuest.Build(Layout);
        int[] withErrorCode = [8, 10, 11, 12, 13, 14, 17, 21, 29, 30];

        Assert.Equal(Enumerable.Range(0, 32), program.InterruptHandlers.Keys.Order());
        foreach (var (vector, address) in program.InterruptHandlers)
        {
            var first = GuestCode.Decode(program, address, address + 4);
            var pushes = first.TakeWhile(i => i.Mnemonic == Mnemonic.Push).Select(i => (long)i.Immediate32).ToArray();
            long[] expected = withErrorCode.Contains(vector) ? [vector] : [0, vector];
            Assert.Equal(expected, pushes.Take(expected.Length));
        }
    }

    [Fact]
    public void Safe_MSR_access_records_a_fixup_from_the_MSR_instruction_to_the_next_one()
    {
        GuestProgram program = new GuestProgramBuilder(Layout)
            .WrmsrSafe(KvmPvMsrs.AsyncPfInt, 0xec)
            .RdmsrSafe(KvmPvMsrs.AsyncPfInt)
            .Done()
            .Build();

        Assert.Equal(2, program.Fixups.Count);
        Mnemonic[] expected = [Mnemonic.Wrmsr, Mnemonic.Rdmsr];
        for (int i = 0; i < 2; i++)
        {
            var fixup = program.Fixups[i];
            var instruction = GuestCode.Decode(program, fixup.FaultRip, fixup.FaultRip + 2).Single();
            Assert.Equal(expected[i], instruction.Mnemonic);
            Assert.Equal(fixup.FaultRip + 2, fixup.FixupRip);
        }
        // The exception path compares the saved RIP with each recorded fault address.
        var all = GuestCode.DecodeAll(program);
        var leaTargets = all.Where(i => i.Mnemonic == Mnemonic.Lea).Select(i => i.IPRelativeMemoryAddress).ToHashSet();
        Assert.Contains(program.Fixups[0].FaultRip, leaTargets);
        Assert.Contains(program.Fixups[1].FixupRip, leaTargets);
        Assert.Contains(all, i => GuestCode.Format(i) == "mov rax,cr2");
    }

    [Fact]
    public void Custom_interrupt_handlers_get_IDT_entries_and_may_replace_exception_stubs()
    {
        GuestProgram program = new GuestProgramBuilder(Layout)
            .SetInterruptHandler(0xec, g => { g.Eoi(); g.Asm.iretq(); })
            .SetInterruptHandler(14, g => { g.Asm.add(rsp, 8); g.Asm.iretq(); })
            .Done()
            .Build();

        Assert.Equal(33, program.InterruptHandlers.Count);
        var apf = GuestCode.Decode(program, program.InterruptHandlers[0xec], program.InterruptHandlers[0xec] + 5).First();
        Assert.Equal("mov ecx,80Bh", GuestCode.Format(apf));
        var pf = GuestCode.Decode(program, program.InterruptHandlers[14], program.InterruptHandlers[14] + 4).First();
        Assert.Equal("add rsp,8", GuestCode.Format(pf));
        Assert.Throws<InvalidOperationException>(() => new GuestProgramBuilder(Layout)
            .SetInterruptHandler(3, g => g.Asm.iretq()).SetInterruptHandler(3, g => g.Asm.iretq()));
    }

    [Theory]
    [InlineData(true, 0x3202)]
    [InlineData(false, 0x3002)]
    public void Enter_user_iretqs_to_CPL3_with_IOPL3(bool interrupts, int rflags)
    {
        GuestProgram program = new GuestProgramBuilder(Layout).EnterUser(interrupts).Done().Build();

        var text = GuestCode.DecodeAll(program).Skip(1).Take(8).Select(GuestCode.Format).ToArray();

        Assert.Equal("push 1Bh", text[0]);
        Assert.Equal("mov rax,300000h", text[1]);
        Assert.Equal("push rax", text[2]);
        Assert.Equal($"push {rflags:X}h", text[3]);
        Assert.Equal("push 23h", text[4]);
        Assert.StartsWith("lea rax,[", text[5]);
        Assert.Equal("push rax", text[6]);
        Assert.Equal("iretq", text[7]);
    }

    [Fact]
    public void Guest_assert_sends_its_message_byte_by_byte_only_on_the_failing_branch()
    {
        GuestProgram program = new GuestProgramBuilder(Layout)
            .Cpuid(0)
            .AssertEqual(rax, 0x1f, "hi")
            .Done()
            .Build();

        var text = GuestCode.DecodeAll(program).Select(GuestCode.Format).ToList();
        int je = text.FindIndex(t => t.StartsWith("je "));

        Assert.True(je > 0);
        Assert.Equal(["mov al,68h", "out 0E3h,al", "mov al,69h", "out 0E3h,al", "mov eax,0", "out 0E4h,eax"], text.Skip(je + 1).Take(6));
    }

    [Fact]
    public void A_program_larger_than_the_code_area_is_refused()
    {
        var tiny = Layout with { CodeLimit = Layout.Code + 16 };

        var e = Assert.Throws<InvalidOperationException>(() => MinimalGuest.Build(tiny));

        Assert.Contains("layout allows 16", e.Message);
    }

    [Fact]
    public void Report_ports_used_by_the_kit_are_all_report_ports()
    {
        GuestProgram program = new GuestProgramBuilder(Layout).Report(7, 0x1_0000_0002).Done().Build();

        var ports = GuestCode.DecodeAll(program).Where(i => i.Mnemonic == Mnemonic.Out).Select(i => (ushort)i.Immediate8).ToArray();

        Assert.All(ports, p => Assert.True(ReportPorts.Contains(p), $"port {p:#x}"));
        Assert.Contains(ReportPorts.ExceptionEnd, ports);
    }
}
