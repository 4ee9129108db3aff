using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Vmspec.Images;

/// <summary>
/// Write-only gzip (RFC 1952) whose bytes depend only on the input and the level: we write the
/// header ourselves (mtime 0, no name, XFL 0, OS 255 "unknown") because GZipStream takes the OS
/// byte from the zlib build (3 on Unix, 10 on Windows); raw deflate comes from DeflateStream.
/// </summary>
public sealed class DeterministicGzipStream : WriteOnlyStream
{
    /// <summary>ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255.</summary>
    internal static ReadOnlySpan<byte> Header => [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff];

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly DeflateStream _deflate;
    private readonly Crc32 _crc = new();
    private bool _disposed;

    public DeterministicGzipStream(Stream inner, CompressionLevel level, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _inner.Write(Header);
        _deflate = new DeflateStream(inner, level, leaveOpen: true);
    }

    public override bool CanWrite => !_disposed;

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _crc.Append(buffer);
        _deflate.Write(buffer);
    }

    public override void Flush() => _deflate.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                // Ends the deflate stream (final block) before the trailer: CRC32 then ISIZE, little-endian.
                _deflate.Dispose();
                Span<byte> trailer = stackalloc byte[8];
                BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
                BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)BytesWritten));
                _inner.Write(trailer);
            }
            finally
            {
                if (!_leaveOpen)
                {
                    _inner.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }
}
