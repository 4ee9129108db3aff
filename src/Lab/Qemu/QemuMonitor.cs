using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vmspec.Lab.Qemu;

/// <summary>
/// A QMP client for one question: what the lab's CPU is doing. QEMU serves QMP on a Unix socket (see
/// <see cref="QemuMachine.MonitorSocket"/>); human monitor commands ("info registers", "info lapic") run through
/// QMP's human-monitor-command. Used when a lab is about to be stopped, so it never waits long and never throws.
/// </summary>
public static class QemuMonitor
{
    /// <summary>Runs each human monitor command in turn; the outputs in order, or null with the reason QMP failed.</summary>
    public static async Task<(IReadOnlyList<string>? Outputs, string? Error)> TryHumanCommandsAsync(string socketPath,
        IReadOnlyList<string> commands, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await ReadReplyAsync(reader, "QMP", timeout.Token).ConfigureAwait(false);
            await SendAsync(stream, "qmp_capabilities", null, timeout.Token).ConfigureAwait(false);
            await ReadReplyAsync(reader, "return", timeout.Token).ConfigureAwait(false);
            var outputs = new List<string>();
            foreach (string command in commands)
            {
                await SendAsync(stream, "human-monitor-command", command, timeout.Token).ConfigureAwait(false);
                using var reply = await ReadReplyAsync(reader, "return", timeout.Token).ConfigureAwait(false);
                outputs.Add(reply.RootElement.GetProperty("return").GetString() ?? "");
            }
            return (outputs, null);
        }
        catch (OperationCanceledException)
        {
            return (null, $"QEMU's monitor did not answer within {limit.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, $"QEMU's monitor failed: {e.Message}");
        }
    }

    private static async Task SendAsync(Stream stream, string execute, string? humanCommand, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("execute", execute);
            if (humanCommand is not null)
            {
                json.WriteStartObject("arguments");
                json.WriteString("command-line", humanCommand);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        await stream.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next message that has <paramref name="member"/>; asynchronous events in between are skipped.</summary>
    private static async Task<JsonDocument> ReadReplyAsync(StreamReader reader, string member, CancellationToken cancellationToken)
    {
        while (true)
        {
            string line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("QEMU closed its monitor");
            var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty(member, out _))
                return message;
            if (message.RootElement.TryGetProperty("error", out var error))
            {
                message.Dispose();
                throw new InvalidOperationException(error.ToString());
            }
            message.Dispose();
        }
    }
}
