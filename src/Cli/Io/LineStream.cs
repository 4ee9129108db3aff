using System.Text;

namespace Vmspec.Cli.Io;

/// <summary>
/// A write-only stream that hands each complete UTF-8 line (without its line ending) to <paramref name="onLine"/>, e.g.
/// to prefix another process's progress lines; a last line without a newline is handed over on dispose.
/// </summary>
internal sealed class LineStream(Action<string> onLine) : Stream
{
    private readonly MemoryStream _pending = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_pending)
        {
            while (buffer.IndexOf((byte)'\n') is var newline and >= 0)
            {
                _pending.Write(buffer[..newline]);
                Emit();
                buffer = buffer[(newline + 1)..];
            }
            _pending.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_pending)
            {
                if (_pending.Length > 0)
                    Emit();
            }
        }
        base.Dispose(disposing);
    }

    private void Emit()
    {
        var line = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        onLine(line.EndsWith('\r') ? line[..^1] : line);
    }
}
