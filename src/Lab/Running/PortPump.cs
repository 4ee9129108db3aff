using System.Net.Sockets;
using System.Text;

namespace Vmspec.Lab.Running;

/// <summary>
/// The host end of one virtio port: a Unix socket QEMU connects to at start-up. Bytes are copied to a stream as they
/// arrive, or split into lines for a callback; the pump ends when QEMU closes the socket.
/// </summary>
public sealed class PortPump : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public string SocketPath { get; }

    public PortPump(string socketPath)
    {
        SocketPath = socketPath;
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(1);
    }

    public async Task CopyToAsync(Stream? destination, CancellationToken cancellationToken)
    {
        using var connection = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (destination is null)
                continue;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task ReadLinesAsync(Action<string> onLine, CancellationToken cancellationToken)
    {
        using var connection = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(new NetworkStream(connection, ownsSocket: false), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            onLine(line);
    }

    public void Dispose() => _listener.Dispose();
}
