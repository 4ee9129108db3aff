namespace Vmspec.Images;

/// <summary>
/// A forward-only stream that takes writes and counts them, for the pass-through streams of a layer
/// (<see cref="HashingStream"/>, <see cref="DeterministicGzipStream"/>); a subclass says where the bytes go.
/// </summary>
public abstract class WriteOnlyStream : Stream
{
    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteCore(buffer);
        BytesWritten += buffer.Length;
    }

    /// <summary>Passes <paramref name="buffer"/> on; <see cref="BytesWritten"/> counts it afterwards.</summary>
    protected abstract void WriteCore(ReadOnlySpan<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
