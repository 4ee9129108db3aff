using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace Vmspec.GuestKernels.Compression;

/// <summary>
/// The LZ4 legacy frame (`lz4 -l`) the kernel uses: magic 02 21 4C 18, then blocks of
/// [u32 LE compressed size][LZ4 block], each decoding to at most 8 MiB. Concatenated frames
/// repeat the magic where a block size would be.
/// </summary>
internal static class Lz4LegacyDecoder
{
    public const uint Magic = 0x184C2102;
    public const int MaxBlockOutput = 8 << 20;
    private static readonly int MaxBlockInput = LZ4Codec.MaximumOutputSize(MaxBlockOutput);

    /// <summary>Decodes all of <paramref name="input"/> into <paramref name="output"/>, or until <paramref name="progress"/>
    /// (asked after each block) says stop; returns the bytes written.</summary>
    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output, string source, DecodeProgress? progress)
    {
        if (input.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(input) != Magic)
            throw new KernelImageException($"{source}: lz4 legacy frame lacks the magic 02 21 4C 18");
        int pos = 4, written = 0;
        while (pos < input.Length)
        {
            if (input.Length - pos < 4)
                throw new KernelImageException($"{source}: lz4 block header at payload offset {pos} is truncated");
            uint blockSize = BinaryPrimitives.ReadUInt32LittleEndian(input[pos..]);
            pos += 4;
            if (blockSize == Magic)
                continue;
            if (blockSize == 0 || blockSize > MaxBlockInput)
                throw new KernelImageException($"{source}: lz4 block at payload offset {pos - 4} declares {blockSize} bytes (limit {MaxBlockInput})");
            if (blockSize > input.Length - pos)
                throw new KernelImageException($"{source}: lz4 block at payload offset {pos - 4} needs {blockSize} bytes, only {input.Length - pos} remain");
            var block = input.Slice(pos, (int)blockSize);
            pos += (int)blockSize;
            written += DecodeBlock(block, output[written..], pos - (int)blockSize - 4, source);
            if (progress is not null && progress(written))
                return written;
        }
        return written;
    }

    private static int DecodeBlock(ReadOnlySpan<byte> block, Span<byte> room, int blockOffset, string source)
    {
        int decoded = LZ4Codec.Decode(block, room.Length > MaxBlockOutput ? room[..MaxBlockOutput] : room);
        if (decoded >= 0)
            return decoded;
        if (room.Length >= MaxBlockOutput)
            throw new KernelImageException($"{source}: lz4 block at payload offset {blockOffset} is corrupt");
        // Too little room left: tell a block that is merely too big (a bomb or a lying size) from a corrupt one.
        byte[] scratch = ArrayPool<byte>.Shared.Rent(MaxBlockOutput);
        try
        {
            int full = LZ4Codec.Decode(block, scratch.AsSpan(0, MaxBlockOutput));
            throw new KernelImageException(full >= 0
                ? $"{source}: lz4 output exceeds the {room.Length} bytes left under the size limit"
                : $"{source}: lz4 block at payload offset {blockOffset} is corrupt");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
