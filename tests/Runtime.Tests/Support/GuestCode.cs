using Iced.Intel;
using Vmspec.Runtime.Guests;

namespace Vmspec.Runtime.Tests.Support;

/// <summary>Decodes guest programs back into instructions for assertions.</summary>
internal static class GuestCode
{
    public static List<Instruction> Decode(GuestProgram program, ulong from, ulong to)
    {
        var bytes = program.Code.AsSpan((int)(from - program.LoadAddress), (int)(to - from)).ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), from);
        var list = new List<Instruction>();
        while (decoder.IP < to)
        {
            decoder.Decode(out var instruction);
            list.Add(instruction);
        }
        return list;
    }

    public static List<Instruction> DecodeAll(GuestProgram program) =>
        Decode(program, program.LoadAddress, program.LoadAddress + (ulong)program.Code.Length);

    public static string Format(Instruction instruction)
    {
        var formatter = new NasmFormatter();
        var output = new StringOutput();
        formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }
}
