using System.Buffers.Binary;

namespace Vmspec.Shared.Compression;

/// <summary>
/// The xz x86 BCJ decoder (filter ID 0x04; what the kernel's scripts/xz_wrap.sh puts before LZMA2 as `--x86`):
/// turns the absolute targets the encoder wrote into E8 (call) and E9 (jmp) operands back into relative ones.
/// A port of bcj_x86() from xz-embedded (public domain; the kernel's lib/xz/xz_dec_bcj.c).
/// </summary>
/// <remarks>
/// An instruction is 5 bytes, so the last 4 bytes of a buffer cannot be judged until more data follows:
/// <see cref="Decode"/> returns how many leading bytes are final, and the caller must present the rest again,
/// followed by the next data, at the next call. At the end of a block the bytes still pending stay as they are
/// (the encoder left them unconverted too). Keeping that tail is what SharpCompress 0.50.8's X86Filter gets
/// wrong: it filters each Read's output on its own and drops the tail, so an E8/E9 in the last 4 bytes of a
/// read is never converted.
/// </remarks>
internal sealed class X86BranchFilter
{
    private static ReadOnlySpan<bool> MaskToAllowedStatus => [true, true, true, false, true, false, false, false];
    private static ReadOnlySpan<byte> MaskToBitNumber => [0, 1, 2, 2, 3, 3, 3, 3];

    /// <summary>The block's uncompressed position of the next byte to be decoded (the filter's start offset, then advancing).</summary>
    private uint _position;
    /// <summary>Which of the 3 bytes before the next one held an E8/E9 opcode that was not converted.</summary>
    private uint _previousMask;

    public X86BranchFilter(uint startOffset) => _position = startOffset;

    /// <summary>Decodes <paramref name="buffer"/> in place; returns how many leading bytes are final (the rest, at most 4,
    /// must be passed again with the data that follows them).</summary>
    public int Decode(Span<byte> buffer)
    {
        if (buffer.Length <= 4)
            return 0;
        int size = buffer.Length - 4;
        int previousPosition = -1;
        uint previousMask = _previousMask;
        int i;
        for (i = 0; i < size; i++)
        {
            if ((buffer[i] & 0xFE) != 0xE8)
                continue;
            previousPosition = i - previousPosition;
            if (previousPosition > 3)
            {
                previousMask = 0;
            }
            else
            {
                previousMask = (previousMask << (previousPosition - 1)) & 7;
                if (previousMask != 0)
                {
                    byte b = buffer[i + 4 - MaskToBitNumber[(int)previousMask]];
                    if (!MaskToAllowedStatus[(int)previousMask] || IsAddressMsb(b))
                    {
                        previousPosition = i;
                        previousMask = (previousMask << 1) | 1;
                        continue;
                    }
                }
            }
            previousPosition = i;
            if (IsAddressMsb(buffer[i + 4]))
            {
                uint source = BinaryPrimitives.ReadUInt32LittleEndian(buffer[(i + 1)..]);
                uint destination;
                while (true)
                {
                    destination = source - (_position + (uint)i + 5);
                    if (previousMask == 0)
                        break;
                    int bits = MaskToBitNumber[(int)previousMask] * 8;
                    if (!IsAddressMsb((byte)(destination >> (24 - bits))))
                        break;
                    source = destination ^ ((1u << (32 - bits)) - 1);
                }
                destination &= 0x01FFFFFF;
                destination |= 0u - (destination & 0x01000000);
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[(i + 1)..], destination);
                i += 4;
            }
            else
            {
                previousMask = (previousMask << 1) | 1;
            }
        }
        previousPosition = i - previousPosition;
        _previousMask = previousPosition > 3 ? 0 : previousMask << (previousPosition - 1);
        _position += (uint)i;
        return i;
    }

    /// <summary>The most significant byte of a near call/jump target within ±16 MiB.</summary>
    private static bool IsAddressMsb(byte b) => b is 0x00 or 0xFF;
}
