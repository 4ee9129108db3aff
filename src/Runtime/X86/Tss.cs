using System.Buffers.Binary;

namespace Vmspec.Runtime.X86;

/// <summary>The 64-bit TSS: only RSP0 matters (the stack for interrupts and exceptions taken at CPL3).</summary>
public static class Tss
{
    public const int Size = 0x68;
    private const int Rsp0Offset = 4;
    private const int IoMapBaseOffset = 0x66;

    public static byte[] Build(ulong rsp0)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(Rsp0Offset), rsp0);
        // No I/O permission bitmap (base beyond the limit): port access at CPL3 is governed by IOPL alone.
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(IoMapBaseOffset), Size);
        return bytes;
    }
}
