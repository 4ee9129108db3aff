using System.Text;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Guests;

/// <summary>
/// The guest kit: emits 64-bit guest code with Iced at the layout's code address. The guest starts at CPL0 in long
/// mode with paging (see <see cref="LongModeSetup"/>). Helpers clobber RAX, RCX, RDX, R10 and R11 unless noted;
/// the "safe" MSR helpers leave R11 = 0 on success or exception vector + 1 on a fault, then TEST R11, R11.
/// Same calls give the same bytes.
/// </summary>
public sealed partial class GuestProgramBuilder
{
    private readonly GuestLayout _layout;
    private readonly Assembler _asm = new(64);
    private readonly SortedDictionary<int, Action<GuestProgramBuilder>> _handlers = [];
    private readonly List<(Label Fault, Label Fixup)> _fixups = [];
    private uint _nextAssertId;

    public GuestProgramBuilder(GuestLayout layout)
    {
        _layout = layout;
        // Entry: a known stack whatever the host set.
        _asm.mov(rsp, (long)layout.KernelStackTop);
    }

    public GuestLayout Layout => _layout;

    /// <summary>The underlying assembler, for scenario code the kit has no helper for.</summary>
    public Assembler Asm => _asm;

    /// <summary>Report(kind, value): three OUTs on the report ports.</summary>
    public GuestProgramBuilder Report(uint kind, ulong value)
    {
        _asm.mov(eax, kind);
        Out(ReportPorts.Kind, eax);
        _asm.mov(rax, value);
        return EmitValueFromRax();
    }

    /// <summary>Report(kind, register) — the register's 64-bit value. Clobbers RAX.</summary>
    public GuestProgramBuilder ReportRegister(uint kind, AssemblerRegister64 register)
    {
        _asm.push(register);
        _asm.mov(eax, kind);
        Out(ReportPorts.Kind, eax);
        _asm.pop(rax);
        return EmitValueFromRax();
    }

    private GuestProgramBuilder EmitValueFromRax()
    {
        Out(ReportPorts.ValueLow, eax);
        _asm.shr(rax, 32);
        Out(ReportPorts.ValueHigh, eax);
        return this;
    }

    /// <summary>
    /// Releases the userfaultfd page whose index is in <paramref name="pageIndex"/> (<see cref="ReportPorts.ReleasePage"/>):
    /// one OUT, so unlike a report it may be sent with interrupts on. Clobbers EAX.
    /// </summary>
    public GuestProgramBuilder ReleaseUserfaultPage(AssemblerRegister32 pageIndex)
    {
        if (pageIndex != eax) _asm.mov(eax, pageIndex);
        Out(ReportPorts.ReleasePage, eax);
        return this;
    }

    /// <summary>CPUID with EAX = leaf, ECX = subleaf; results in EAX, EBX, ECX, EDX.</summary>
    public GuestProgramBuilder Cpuid(uint leaf, uint subleaf = 0)
    {
        _asm.mov(eax, leaf);
        _asm.mov(ecx, subleaf);
        _asm.cpuid();
        return this;
    }

    /// <summary>RDMSR into RAX (EDX:EAX combined). A #GP here is unhandled and stops the guest.</summary>
    public GuestProgramBuilder Rdmsr(uint msr)
    {
        _asm.mov(ecx, msr);
        _asm.rdmsr();
        return CombineEdxEax();
    }

    /// <summary>WRMSR of a constant. A #GP here is unhandled and stops the guest.</summary>
    public GuestProgramBuilder Wrmsr(uint msr, ulong value)
    {
        _asm.mov(ecx, msr);
        _asm.mov(eax, (uint)value);
        _asm.mov(edx, (uint)(value >> 32));
        _asm.wrmsr();
        return this;
    }

    /// <summary>RDMSR that survives a fault: RAX = value (0 after a fault), R11 = 0 or vector + 1.</summary>
    public GuestProgramBuilder RdmsrSafe(uint msr)
    {
        _asm.xor(r11d, r11d);
        _asm.xor(eax, eax);
        _asm.xor(edx, edx);
        _asm.mov(ecx, msr);
        EmitWithFixup(() => _asm.rdmsr());
        CombineEdxEax();
        _asm.test(r11, r11);
        return this;
    }

    /// <summary>WRMSR of a constant that survives a fault: R11 = 0 or vector + 1.</summary>
    public GuestProgramBuilder WrmsrSafe(uint msr, ulong value)
    {
        _asm.mov(rax, value);
        return WrmsrSafeFromRax(msr);
    }

    /// <summary>WRMSR of a register's value that survives a fault: R11 = 0 or vector + 1.</summary>
    public GuestProgramBuilder WrmsrSafe(uint msr, AssemblerRegister64 value)
    {
        _asm.mov(rax, value);
        return WrmsrSafeFromRax(msr);
    }

    private GuestProgramBuilder WrmsrSafeFromRax(uint msr)
    {
        _asm.xor(r11d, r11d);
        _asm.mov(rdx, rax);
        _asm.shr(rdx, 32);
        _asm.mov(ecx, msr);
        EmitWithFixup(() => _asm.wrmsr());
        _asm.test(r11, r11);
        return this;
    }

    private void EmitWithFixup(Action instruction)
    {
        Label fault = _asm.CreateLabel(), fixup = _asm.CreateLabel();
        _asm.Label(ref fault);
        instruction();
        _asm.Label(ref fixup);
        _asm.nop();
        _fixups.Add((fault, fixup));
    }

    private GuestProgramBuilder CombineEdxEax()
    {
        _asm.shl(rdx, 32);
        _asm.mov(eax, eax);
        _asm.or(rax, rdx);
        return this;
    }

    /// <summary>x2APIC on (IA32_APIC_BASE |= 0xc00) and the APIC software-enabled (SVR = 0x1ff), as the prototype.</summary>
    public GuestProgramBuilder EnableX2Apic()
    {
        _asm.mov(ecx, MsrIndex.Ia32ApicBase);
        _asm.rdmsr();
        _asm.or(eax, (int)MsrIndex.ApicBaseX2ApicEnable);
        _asm.wrmsr();
        return Wrmsr(MsrIndex.X2ApicSvr, MsrIndex.SvrEnabledSpurious);
    }

    /// <summary>x2APIC end-of-interrupt.</summary>
    public GuestProgramBuilder Eoi() => Wrmsr(MsrIndex.X2ApicEoi, 0);

    public GuestProgramBuilder Sti()
    {
        _asm.sti();
        return this;
    }

    public GuestProgramBuilder Cli()
    {
        _asm.cli();
        return this;
    }

    /// <summary>IRETQ to CPL3 (user code/stack selectors, IOPL3 so the report ports stay usable) and continue there.</summary>
    public GuestProgramBuilder EnterUser(bool rflagsIf)
    {
        ulong rflags = Rflags.Reserved1 | Rflags.Iopl3 | (rflagsIf ? Rflags.If : 0);
        Label user = _asm.CreateLabel();
        _asm.push((int)Selectors.UserData);
        _asm.mov(rax, _layout.UserStackTop);
        _asm.push(rax);
        _asm.push((int)rflags);
        _asm.push((int)Selectors.UserCode);
        _asm.lea(rax, __[user]);
        _asm.push(rax);
        _asm.iretq();
        _asm.Label(ref user);
        _asm.nop();
        return this;
    }

    /// <summary>Fails the run with <paramref name="message"/> unless the flags satisfy <paramref name="condition"/>.</summary>
    public GuestProgramBuilder GuestAssert(GuestCondition condition, string message)
    {
        Label ok = _asm.CreateLabel();
        switch (condition)
        {
            case GuestCondition.Equal: _asm.je(ok); break;
            case GuestCondition.NotEqual: _asm.jne(ok); break;
            case GuestCondition.Below: _asm.jb(ok); break;
            case GuestCondition.BelowOrEqual: _asm.jbe(ok); break;
            case GuestCondition.Above: _asm.ja(ok); break;
            case GuestCondition.AboveOrEqual: _asm.jae(ok); break;
            default: throw new ArgumentOutOfRangeException(nameof(condition));
        }
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            _asm.mov(al, b);
            Out(ReportPorts.MessageByte, al);
        }
        _asm.mov(eax, _nextAssertId++);
        Out(ReportPorts.AssertFailed, eax);
        Stop();
        _asm.Label(ref ok);
        _asm.nop();
        return this;
    }

    /// <summary>Asserts <paramref name="register"/> == <paramref name="expected"/> (uses R10).</summary>
    public GuestProgramBuilder AssertEqual(AssemblerRegister64 register, ulong expected, string message)
    {
        _asm.mov(r10, expected);
        _asm.cmp(register, r10);
        return GuestAssert(GuestCondition.Equal, message);
    }

    /// <summary>After a safe MSR helper: asserts it did not fault.</summary>
    public GuestProgramBuilder AssertNoFault(string message)
    {
        _asm.test(r11, r11);
        return GuestAssert(GuestCondition.Equal, message);
    }

    /// <summary>After a safe MSR helper: asserts it faulted with <paramref name="vector"/>.</summary>
    public GuestProgramBuilder AssertFaulted(uint vector, string message)
    {
        _asm.cmp(r11, (int)vector + 1);
        return GuestAssert(GuestCondition.Equal, message);
    }

    /// <summary>Done(status): tells the host the guest finished, then parks.</summary>
    public GuestProgramBuilder Done(uint status = 0)
    {
        _asm.mov(eax, status);
        Out(ReportPorts.Done, eax);
        Stop();
        return this;
    }

    /// <summary>Installs a handler for <paramref name="vector"/> (0-255); <paramref name="body"/> must end with IRETQ.</summary>
    public GuestProgramBuilder SetInterruptHandler(int vector, Action<GuestProgramBuilder> body)
    {
        if (vector is < 0 or > 255) throw new ArgumentOutOfRangeException(nameof(vector), vector, "vectors are 0-255");
        if (!_handlers.TryAdd(vector, body)) throw new InvalidOperationException($"vector {vector} already has a handler");
        return this;
    }

    /// <summary>OUT imm8, reg: every report port fits the immediate form, so no DX setup is needed.</summary>
    private void Out(ushort port, AssemblerRegister32 value) => _asm.@out(checked((byte)port), value);

    private void Out(ushort port, AssemblerRegister8 value) => _asm.@out(checked((byte)port), value);

    private void Stop()
    {
        Label self = _asm.CreateLabel();
        _asm.Label(ref self);
        _asm.jmp(self);
    }

    /// <summary>Appends the handlers and exception stubs, assembles, and checks the code fits the layout.</summary>
    public GuestProgram Build()
    {
        var vectorLabels = new SortedDictionary<int, Label>();
        foreach (var (vector, body) in _handlers)
        {
            Label l = _asm.CreateLabel();
            _asm.Label(ref l);
            body(this);
            vectorLabels[vector] = l;
        }
        EmitExceptionStubs(vectorLabels);

        var writer = new ByteArrayCodeWriter();
        AssemblerResult result;
        try
        {
            result = _asm.Assemble(writer, _layout.Code, BlockEncoderOptions.ReturnNewInstructionOffsets);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"guest program does not assemble: {e.Message}", e);
        }
        byte[] code = writer.ToArray();
        if ((ulong)code.Length > _layout.MaxCodeSize)
            throw new InvalidOperationException($"guest program is {code.Length} bytes; the layout allows {_layout.MaxCodeSize}");
        var handlers = vectorLabels.ToDictionary(kv => kv.Key, kv => result.GetLabelRIP(kv.Value));
        var fixups = _fixups.Select(f => new ExceptionFixup(result.GetLabelRIP(f.Fault), result.GetLabelRIP(f.Fixup))).ToArray();
        return new GuestProgram(_layout.Code, _layout.Code, code, handlers, fixups);
    }

    private sealed class ByteArrayCodeWriter : CodeWriter
    {
        private readonly List<byte> _bytes = [];
        public override void WriteByte(byte value) => _bytes.Add(value);
        public byte[] ToArray() => [.. _bytes];
    }
}
