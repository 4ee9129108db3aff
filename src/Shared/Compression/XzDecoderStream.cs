using System.Buffers.Binary;
using System.Security.Cryptography;
using SharpCompress.Compressors.LZMA;
using Crc32 = System.IO.Hashing.Crc32;

namespace Vmspec.Shared.Compression;

/// <summary>
/// Decodes the .xz container (https://tukaani.org/xz/xz-file-format.txt): streams, blocks, checks, index
/// and footer are read and verified here; each block's LZMA2 data is decoded by SharpCompress's
/// <see cref="LzmaStream"/> in LZMA2 mode, and the x86 BCJ filter the kernel puts in front of it is
/// ours (<see cref="X86BranchFilter"/>).
/// </summary>
/// <remarks>
/// SharpCompress's own XZStream is not used: its x86 filter (0.50.8, the newest release) converts each
/// Read's output separately and never converts an E8/E9 instruction in the last 4 bytes of a read, so a
/// BCJ-filtered stream such as an x86 kernel payload decodes to wrong bytes at read boundaries and fails
/// its block check. Filter chains other than LZMA2 and x86 + LZMA2 are refused.
/// The input stream is left open. After a stream's footer the decoder reads on: stream padding and further streams
/// are decoded (as xz-utils does), anything else is an error; a kernel payload is handed in without its size trailer.
/// </remarks>
public sealed class XzDecoderStream : Stream
{
    private const int BufferSize = 256 << 10;
    private const ulong LzmaFilterId = 0x21;
    private const ulong X86FilterId = 0x04;
    private static ReadOnlySpan<byte> HeaderMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    private static ReadOnlySpan<byte> FooterMagic => [0x59, 0x5A];

    private readonly CountingStream _input;
    private readonly byte[] _buffer = new byte[BufferSize];
    /// <summary>_buffer[_readPosition.._finalEnd) is decoded and filtered, ready to hand out;
    /// _buffer[_finalEnd.._decodedEnd) is LZMA2 output the x86 filter cannot judge yet (at most 4 bytes).</summary>
    private int _readPosition, _finalEnd, _decodedEnd;

    private bool _streamOpen, _ended;
    private int _streamNumber;
    private long _streamStart;
    private CheckKind _check;
    private byte _streamFlags;
    private readonly List<(ulong Unpadded, ulong Uncompressed)> _records = [];

    private Block? _block;

    public XzDecoderStream(Stream input) => _input = new CountingStream(input);

    public override int Read(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            if (_readPosition == _finalEnd && !Fill())
                break;
            int n = Math.Min(_finalEnd - _readPosition, destination.Length - total);
            _buffer.AsSpan(_readPosition, n).CopyTo(destination[total..]);
            _readPosition += n;
            total += n;
        }
        return total;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>Makes more final bytes available in the buffer; false once the last stream has ended.</summary>
    private bool Fill()
    {
        while (!_ended)
        {
            if (_block is null)
            {
                if (!StartBlockOrEndStream())
                    continue;
            }
            // Keep the filter's pending tail at the front, then decode after it.
            int pending = _decodedEnd - _finalEnd;
            _buffer.AsSpan(_finalEnd, pending).CopyTo(_buffer);
            _readPosition = _finalEnd = 0;
            _decodedEnd = pending;
            var block = _block!;
            int n = block.Lzma2.Read(_buffer, _decodedEnd, _buffer.Length - _decodedEnd);
            _decodedEnd += n;
            if (n == 0)
                _finalEnd = _decodedEnd; // the block's last bytes are left as they are
            else
                _finalEnd = block.X86?.Decode(_buffer.AsSpan(0, _decodedEnd)) ?? _decodedEnd;
            block.Produced(_buffer.AsSpan(0, _finalEnd));
            if (n == 0)
                EndBlock(block);
            if (_finalEnd > 0)
                return true;
        }
        return false;
    }

    /// <summary>Reads what comes next outside a block: a stream header, a block header (true: a block has started),
    /// or an index and footer (false).</summary>
    private bool StartBlockOrEndStream()
    {
        if (!_streamOpen)
        {
            if (!StartStream())
            {
                _ended = true;
                return false;
            }
        }
        long blockStart = _input.Position;
        int headerSizeByte = _input.ReadByte();
        if (headerSizeByte < 0)
            throw Corrupt($"stream {_streamNumber} ends at offset {blockStart} without an index and footer");
        if (headerSizeByte == 0)
        {
            EndStream(blockStart);
            return false;
        }
        _block = ReadBlockHeader(blockStart, headerSizeByte);
        return true;
    }

    /// <summary>Reads a stream header, skipping stream padding before it; false at the end of the input (after at least one stream).</summary>
    private bool StartStream()
    {
        Span<byte> header = stackalloc byte[12];
        while (true)
        {
            long at = _input.Position;
            int got = _input.ReadAtLeast(header[..4], 4, throwOnEndOfStream: false);
            if (got == 0 && _streamNumber > 0)
                return false;
            if (got == 4 && _streamNumber > 0 && BinaryPrimitives.ReadUInt32LittleEndian(header) == 0)
                continue; // stream padding: null bytes in groups of 4
            if (got < 4 || !header[..4].SequenceEqual(HeaderMagic[..4]))
                throw Corrupt(_streamNumber == 0
                    ? $"no xz stream header at offset {at}"
                    : $"unexpected data at offset {at} after stream {_streamNumber} (neither stream padding nor another stream)");
            ReadExactly(header[4..], $"stream header at offset {at}");
            if (!header[..6].SequenceEqual(HeaderMagic))
                throw Corrupt($"no xz stream header at offset {at}");
            CheckCrc32(header[6..8], BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), $"stream header at offset {at}");
            if (header[6] != 0 || (header[7] & 0xF0) != 0)
                throw Corrupt($"stream header at offset {at} has unsupported flags {header[6]:X2}{header[7]:X2}");
            _check = (header[7] & 0x0F) switch
            {
                0x00 => CheckKind.None,
                0x01 => CheckKind.Crc32,
                0x04 => CheckKind.Crc64,
                0x0A => CheckKind.Sha256,
                var id => throw Corrupt($"stream header at offset {at} names check type 0x{id:X2}, which is not supported (none, CRC32, CRC64, SHA-256 are)"),
            };
            _streamFlags = header[7];
            _streamStart = at;
            _streamNumber++;
            _streamOpen = true;
            _records.Clear();
            return true;
        }
    }

    private Block ReadBlockHeader(long start, int headerSizeByte)
    {
        string where = $"block {_records.Count + 1} header at offset {start}";
        int headerSize = (headerSizeByte + 1) * 4;
        Span<byte> header = stackalloc byte[headerSize];
        header[0] = (byte)headerSizeByte;
        ReadExactly(header[1..], where);
        CheckCrc32(header[..^4], BinaryPrimitives.ReadUInt32LittleEndian(header[^4..]), where);
        var fields = header[..^4];
        int pos = 1;
        byte flags = fields[pos++];
        if ((flags & 0x3C) != 0)
            throw Corrupt($"{where} sets reserved flags 0x{flags:X2}");
        ulong? compressedSize = (flags & 0x40) != 0 ? ReadVarint(fields, ref pos, where) : null;
        ulong? uncompressedSize = (flags & 0x80) != 0 ? ReadVarint(fields, ref pos, where) : null;
        if (compressedSize == 0)
            throw Corrupt($"{where} declares a compressed size of 0");
        int filterCount = (flags & 0x03) + 1;
        var filters = new (ulong Id, byte[] Properties)[filterCount];
        for (int i = 0; i < filterCount; i++)
        {
            ulong id = ReadVarint(fields, ref pos, where);
            ulong propertiesSize = ReadVarint(fields, ref pos, where);
            if (propertiesSize > (ulong)(fields.Length - pos))
                throw Corrupt($"{where}: filter {i + 1} properties run past the header");
            filters[i] = (id, fields.Slice(pos, (int)propertiesSize).ToArray());
            pos += (int)propertiesSize;
        }
        if (fields[pos..].ContainsAnyExcept((byte)0))
            throw Corrupt($"{where} has non-zero header padding");

        X86BranchFilter? x86 = filters switch
        {
            [(LzmaFilterId, _)] => null,
            [(X86FilterId, var properties), (LzmaFilterId, _)] => properties.Length switch
            {
                0 => new X86BranchFilter(0),
                4 => new X86BranchFilter(BinaryPrimitives.ReadUInt32LittleEndian(properties)),
                _ => throw Corrupt($"{where}: x86 filter properties are {properties.Length} bytes (0 or 4 expected)"),
            },
            _ => throw Corrupt($"{where}: filter chain {string.Join(" + ", filters.Select(f => $"0x{f.Id:X2}"))} is not supported (only LZMA2 (0x21), optionally after x86 BCJ (0x04))"),
        };
        byte[] lzmaProperties = filters[^1].Properties;
        if (lzmaProperties is not [var dictionary] || dictionary > 40)
            throw Corrupt($"{where}: LZMA2 properties {Convert.ToHexString(lzmaProperties)} are invalid (one byte, at most 40, expected)");
        if (dictionary > 37)
            throw Corrupt($"{where}: an LZMA2 dictionary over 1.5 GiB (property {dictionary}) is not supported");
        var lzma2 = LzmaStream.Create([dictionary], _input, -1, -1, presetDictionary: null, isLzma2: true, leaveOpen: true);
        return new Block(_records.Count + 1, start, headerSize, compressedSize, uncompressedSize, _check, lzma2, x86);
    }

    /// <summary>After the LZMA2 end marker: block padding, the check, and the sizes the header declared.</summary>
    private void EndBlock(Block block)
    {
        _block = null;
        using (block)
        {
            string where = $"block {block.Number} at offset {block.Start}";
            ulong compressed = (ulong)(_input.Position - block.Start - block.HeaderSize);
            if (block.DeclaredCompressedSize is { } declaredCompressed && declaredCompressed != compressed)
                throw Corrupt($"{where} holds {compressed} bytes of LZMA2 data but its header declares {declaredCompressed}");
            if (block.DeclaredUncompressedSize is { } declaredUncompressed && declaredUncompressed != block.Uncompressed)
                throw Corrupt($"{where} decoded to {block.Uncompressed} bytes but its header declares {declaredUncompressed}");
            Span<byte> tail = stackalloc byte[3 + 32];
            int padding = (int)((4 - compressed % 4) % 4);
            ReadExactly(tail[..padding], $"{where} padding");
            if (tail[..padding].ContainsAnyExcept((byte)0))
                throw Corrupt($"{where} has non-zero block padding");
            var check = tail.Slice(padding, CheckSize(block.Check));
            ReadExactly(check, $"{where} check");
            block.VerifyCheck(check, where);
            _records.Add(((ulong)block.HeaderSize + compressed + (ulong)check.Length, block.Uncompressed));
        }
    }

    /// <summary>The index (its indicator byte at <paramref name="start"/> already read) must list exactly the blocks
    /// decoded; then the footer must match the index and the stream header.</summary>
    private void EndStream(long start)
    {
        string where = $"stream {_streamNumber} index at offset {start}";
        var crc = new Crc32();
        crc.Append([0]);
        ulong count = ReadVarint(crc, where);
        if (count != (ulong)_records.Count)
            throw Corrupt($"{where} lists {count} blocks, the stream holds {_records.Count}");
        foreach (var (unpadded, uncompressed) in _records)
        {
            ulong indexUnpadded = ReadVarint(crc, where), indexUncompressed = ReadVarint(crc, where);
            if (indexUnpadded != unpadded || indexUncompressed != uncompressed)
                throw Corrupt($"{where} records a block of {indexUnpadded} unpadded / {indexUncompressed} uncompressed bytes where the stream has {unpadded} / {uncompressed}");
        }
        Span<byte> buffer = stackalloc byte[12];
        int padding = (int)((4 - (_input.Position - start) % 4) % 4);
        ReadExactly(buffer[..padding], where);
        if (buffer[..padding].ContainsAnyExcept((byte)0))
            throw Corrupt($"{where} has non-zero index padding");
        crc.Append(buffer[..padding]);
        ReadExactly(buffer[..4], where);
        if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != crc.GetCurrentHashAsUInt32())
            throw Corrupt($"{where} fails its CRC32");
        long indexSize = _input.Position - start;

        long footerAt = _input.Position;
        string footer = $"stream {_streamNumber} footer at offset {footerAt}";
        ReadExactly(buffer, footer);
        CheckCrc32(buffer[4..10], BinaryPrimitives.ReadUInt32LittleEndian(buffer), footer);
        if (!buffer[10..].SequenceEqual(FooterMagic))
            throw Corrupt($"{footer} lacks the \"YZ\" magic");
        if (((long)BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]) + 1) * 4 != indexSize)
            throw Corrupt($"{footer} gives a backward size that does not match the {indexSize}-byte index");
        if (buffer[8] != 0 || buffer[9] != _streamFlags)
            throw Corrupt($"{footer} flags differ from the stream header's (stream starts at offset {_streamStart})");
        _streamOpen = false;
    }

    private ulong ReadVarint(Crc32 crc, string where)
    {
        Span<byte> bytes = stackalloc byte[9];
        for (int i = 0; i < bytes.Length; i++)
        {
            int b = _input.ReadByte();
            if (b < 0)
                throw Corrupt($"{where} is truncated");
            bytes[i] = (byte)b;
            if ((b & 0x80) == 0)
            {
                crc.Append(bytes[..(i + 1)]);
                int pos = 0;
                return ReadVarint(bytes[..(i + 1)], ref pos, where);
            }
        }
        throw Corrupt($"{where} holds an integer longer than 9 bytes");
    }

    /// <summary>A multibyte integer: 7 bits a byte, least significant first, at most 9 bytes, no trailing zero byte.</summary>
    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos, string where)
    {
        ulong value = 0;
        for (int i = 0; i < 9; i++)
        {
            if (pos >= data.Length)
                throw Corrupt($"{where} is truncated");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
                return i > 0 && b == 0 ? throw Corrupt($"{where} holds a non-minimal integer") : value;
        }
        throw Corrupt($"{where} holds an integer longer than 9 bytes");
    }

    private void ReadExactly(Span<byte> destination, string what)
    {
        if (_input.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) != destination.Length)
            throw Corrupt($"{what} is truncated");
    }

    private static void CheckCrc32(ReadOnlySpan<byte> data, uint expected, string where)
    {
        if (Crc32.HashToUInt32(data) != expected)
            throw Corrupt($"{where} fails its CRC32");
    }

    private static InvalidDataException Corrupt(string message) => new(message);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _block?.Dispose();
            _block = null;
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private enum CheckKind { None, Crc32, Crc64, Sha256 }

    private static int CheckSize(CheckKind check) => check switch
    {
        CheckKind.Crc32 => 4,
        CheckKind.Crc64 => 8,
        CheckKind.Sha256 => 32,
        _ => 0,
    };

    private static string CheckName(CheckKind check) => check switch
    {
        CheckKind.Crc32 => "CRC32",
        CheckKind.Crc64 => "CRC64",
        CheckKind.Sha256 => "SHA-256",
        _ => "none",
    };

    /// <summary>One block being decoded: its header's facts, its LZMA2 decoder, and the check over its output.</summary>
    private sealed class Block(int number, long start, int headerSize, ulong? compressedSize, ulong? uncompressedSize, CheckKind check,
        LzmaStream lzma2, X86BranchFilter? x86) : IDisposable
    {
        private readonly Crc32? _crc32 = check == CheckKind.Crc32 ? new() : null;
        private ulong _crc64 = ulong.MaxValue;
        private readonly IncrementalHash? _sha256 = check == CheckKind.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

        public int Number => number;
        public long Start => start;
        public int HeaderSize => headerSize;
        public ulong? DeclaredCompressedSize => compressedSize;
        public ulong? DeclaredUncompressedSize => uncompressedSize;
        public CheckKind Check => check;
        public LzmaStream Lzma2 => lzma2;
        public X86BranchFilter? X86 => x86;
        public ulong Uncompressed { get; private set; }

        /// <summary>Final output of the block, in order.</summary>
        public void Produced(ReadOnlySpan<byte> output)
        {
            Uncompressed += (ulong)output.Length;
            _crc32?.Append(output);
            if (check == CheckKind.Crc64)
                _crc64 = SharpCompress.Compressors.Xz.Crc64.UpdateXz(_crc64, output);
            _sha256?.AppendData(output);
        }

        public void VerifyCheck(ReadOnlySpan<byte> stored, string where)
        {
            Span<byte> computed = stackalloc byte[32];
            switch (check)
            {
                case CheckKind.None:
                    return;
                case CheckKind.Crc32:
                    BinaryPrimitives.WriteUInt32LittleEndian(computed, _crc32!.GetCurrentHashAsUInt32());
                    break;
                case CheckKind.Crc64:
                    BinaryPrimitives.WriteUInt64LittleEndian(computed, ~_crc64);
                    break;
                case CheckKind.Sha256:
                    _sha256!.GetHashAndReset(computed);
                    break;
            }
            computed = computed[..stored.Length];
            if (!computed.SequenceEqual(stored))
                throw Corrupt($"{where}: the {CheckName(check)} check of the decoded data is {Convert.ToHexString(computed)}, the block stores {Convert.ToHexString(stored)}");
        }

        /// <summary>Releases the LZMA2 decoder's window; the check is kept until verified.</summary>
        public void Dispose()
        {
            lzma2.Dispose();
            _sha256?.Dispose();
        }
    }

    /// <summary>Forwards reads and counts the bytes consumed: block padding and the index are found by position.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _position;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            _position += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _position += n;
            return n;
        }

        public override int ReadByte()
        {
            int b = inner.ReadByte();
            if (b >= 0)
                _position++;
            return b;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
