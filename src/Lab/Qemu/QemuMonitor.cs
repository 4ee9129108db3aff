using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vmspec.Lab.Qemu;

/// <summary>
/// A QMP client for what the lab asks of QEMU while it runs (see <see cref="QemuMachine.MonitorSocket"/>): human
/// monitor commands ("info registers", "info lapic") through human-monitor-command, and a key press. Used on a lab that
/// has fallen silent, so it never waits longer than <see cref="AnswerLimit"/> and never throws: failures come back as text.
/// </summary>
public static class QemuMonitor
{
    public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(3);

    /// <summary>Runs each human monitor command in turn; the outputs in order, or null with the reason QMP failed.</summary>
    public static async Task<(IReadOnlyList<string>? Outputs, string? Error)> TryHumanCommandsAsync(string socketPath,
        IReadOnlyList<string> commands)
    {
        var outputs = new List<string>();
        string? error = await TryAsync(socketPath, async (session, cancellationToken) =>
        {
            foreach (string command in commands)
            {
                using var reply = await session.ExecuteAsync("human-monitor-command", json => json.WriteString("command-line", command),
                    cancellationToken).ConfigureAwait(false);
                outputs.Add(reply.RootElement.GetProperty("return").GetString() ?? "");
            }
        }).ConfigureAwait(false);
        return error is null ? (outputs, null) : (null, error);
    }

    /// <summary>Presses and releases one key (a QEMU qcode such as "shift"); null when done, else why not.</summary>
    public static Task<string?> TryPressKeyAsync(string socketPath, string qcode) =>
        TryAsync(socketPath, async (session, cancellationToken) =>
        {
            using var reply = await session.ExecuteAsync("send-key", json =>
            {
                json.WriteStartArray("keys");
                json.WriteStartObject();
                json.WriteString("type", "qcode");
                json.WriteString("data", qcode);
                json.WriteEndObject();
                json.WriteEndArray();
            }, cancellationToken).ConfigureAwait(false);
        });

    private static async Task<string?> TryAsync(string socketPath, Func<Session, CancellationToken, Task> use)
    {
        using var timeout = new CancellationTokenSource(AnswerLimit);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var session = new Session(stream, reader);
            (await session.ReadReplyAsync("QMP", timeout.Token).ConfigureAwait(false)).Dispose();
            (await session.ExecuteAsync("qmp_capabilities", null, timeout.Token).ConfigureAwait(false)).Dispose();
            await use(session, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"QEMU's monitor did not answer within {AnswerLimit.TotalSeconds:F0} s";
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return $"QEMU's monitor failed: {e.Message}";
        }
    }

    private sealed class Session(Stream stream, StreamReader reader)
    {
        public async Task<JsonDocument> ExecuteAsync(string execute, Action<Utf8JsonWriter>? writeArguments, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("execute", execute);
                if (writeArguments is not null)
                {
                    json.WriteStartObject("arguments");
                    writeArguments(json);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
            await stream.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
            return await ReadReplyAsync("return", cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The next message that has <paramref name="member"/>; asynchronous events in between are skipped.</summary>
        public async Task<JsonDocument> ReadReplyAsync(string member, CancellationToken cancellationToken)
        {
            while (true)
            {
                string line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new IOException("QEMU closed its monitor");
                var message = JsonDocument.Parse(line);
                if (message.RootElement.TryGetProperty(member, out _))
                    return message;
                using (message)
                {
                    if (message.RootElement.TryGetProperty("error", out var error))
                        throw new InvalidOperationException(error.ToString());
                }
            }
        }
    }
}
