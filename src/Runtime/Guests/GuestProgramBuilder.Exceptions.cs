using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Guests;

/// <summary>The IDT stubs for exceptions 0-31 and their common reporting/fixup path.</summary>
public sealed partial class GuestProgramBuilder
{
    /// <summary>Vectors for which the CPU pushes an error code.</summary>
    private static readonly HashSet<int> VectorsWithErrorCode = [8, 10, 11, 12, 13, 14, 17, 21, 29, 30];

    /// <summary>A stub per exception vector without a custom handler: push a dummy error code if the CPU does not, push the vector.</summary>
    private void EmitExceptionStubs(SortedDictionary<int, Label> vectorLabels)
    {
        Label common = _asm.CreateLabel();
        for (int vector = 0; vector < 32; vector++)
        {
            if (vectorLabels.ContainsKey(vector)) continue;
            Label stub = _asm.CreateLabel();
            _asm.Label(ref stub);
            if (!VectorsWithErrorCode.Contains(vector)) _asm.push(0);
            _asm.push(vector);
            _asm.jmp(common);
            vectorLabels[vector] = stub;
        }
        EmitExceptionCommon(ref common);
    }

    /// <summary>
    /// Reports vector, error code, RIP and CR2, then resumes at the fixup recorded for the faulting RIP
    /// (R11 = vector + 1, like the kernel's exception table) or reports the exception as unhandled and parks.
    /// Stack on entry: vector, error code, RIP, CS, RFLAGS, RSP, SS.
    /// </summary>
    private void EmitExceptionCommon(ref Label common)
    {
        _asm.Label(ref common);
        _asm.push(rax);
        // [rsp+8] vector, [rsp+16] error code, [rsp+24] RIP
        _asm.mov(rax, __qword_ptr[rsp + 8]);
        Out(ReportPorts.ExceptionField, eax);
        _asm.mov(rax, __qword_ptr[rsp + 16]);
        Out(ReportPorts.ExceptionField, eax);
        _asm.mov(rax, __qword_ptr[rsp + 24]);
        Out(ReportPorts.ExceptionField, eax);
        _asm.shr(rax, 32);
        Out(ReportPorts.ExceptionField, eax);
        _asm.mov(rax, cr2);
        Out(ReportPorts.ExceptionField, eax);
        _asm.shr(rax, 32);
        Out(ReportPorts.ExceptionField, eax);

        Label found = _asm.CreateLabel();
        foreach (var (fault, fixup) in _fixups)
        {
            Label next = _asm.CreateLabel();
            _asm.lea(rax, __[fault]);
            _asm.cmp(rax, __qword_ptr[rsp + 24]);
            _asm.jne(next);
            _asm.lea(rax, __[fixup]);
            _asm.jmp(found);
            _asm.Label(ref next);
            _asm.nop();
        }
        _asm.mov(eax, ReportPorts.ExceptionFatal);
        Out(ReportPorts.ExceptionEnd, eax);
        Stop();

        _asm.Label(ref found);
        _asm.mov(__qword_ptr[rsp + 24], rax);
        _asm.mov(r11, __qword_ptr[rsp + 8]);
        _asm.inc(r11);
        _asm.mov(eax, ReportPorts.ExceptionRecovered);
        Out(ReportPorts.ExceptionEnd, eax);
        _asm.pop(rax);
        _asm.add(rsp, 16);
        _asm.iretq();
    }
}
