using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// Canonical JSON: objects with keys in ordinal order, null members omitted, integers in plain
/// decimal, two-space indentation, "\n" line ends, UTF-8 without BOM, one trailing newline.
/// Values are string, ulong, bool, <see cref="JsonObject"/> or <see cref="JsonArray"/>.
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(JsonObject root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            WriteValue(writer, root);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Stamps <paramref name="root"/> with a <c>digest</c> member (the SHA-256 of its canonical bytes without it) and serializes it.</summary>
    public static byte[] SerializeWithDigest(JsonObject root, out string digest)
    {
        digest = Sha256Hex(Serialize(root));
        root.Set("digest", digest);
        return Serialize(root);
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    // Depth is that of the plan model: a handful of levels.
    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, member) in obj.Members)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, member);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                    WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            case string s: writer.WriteStringValue(s); break;
            case ulong n: writer.WriteNumberValue(n); break;
            case bool b: writer.WriteBooleanValue(b); break;
            default: throw new InvalidOperationException($"unsupported canonical JSON value {value.GetType().Name}");
        }
    }
}

/// <summary>An object whose members are kept in ordinal key order; setting null omits the member.</summary>
internal sealed class JsonObject
{
    public SortedDictionary<string, object> Members { get; } = new(StringComparer.Ordinal);

    public JsonObject Set(string key, object? value)
    {
        if (value is not null)
            Members[key] = value;
        return this;
    }

    /// <summary>A string map (labels, env, a matrix) as an object.</summary>
    public static JsonObject FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs)
            obj.Set(key, value);
        return obj;
    }
}

internal sealed class JsonArray(IEnumerable<object> items)
{
    public IReadOnlyList<object> Items { get; } = items.ToArray();
}
