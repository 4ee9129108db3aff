using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vmspec.Cli.Io;

/// <summary>JSON that vmspec prints: indented, newline-terminated, escaping only what JSON requires.</summary>
internal static class JsonOutput
{
    /// <summary>The output goes to terminals and files, never into HTML: quotes, apostrophes and '+' stay as they are.</summary>
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the JSON <paramref name="write"/> produces to standard output, then a newline.</summary>
    public static void Print(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
            write(json);
        buffer.WriteByte((byte)'\n');
        Print(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Writes JSON that is already serialized to standard output as it is.</summary>
    public static void Print(ReadOnlySpan<byte> json)
    {
        using var output = Console.OpenStandardOutput();
        output.Write(json);
    }
}
