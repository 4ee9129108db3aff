using System.Text.Json;

namespace Vmspec.Images;

/// <summary>
/// Parses the documents of an image archive with JsonDocument (no reflection). Every failure is an
/// <see cref="ImageVerificationException"/> naming the document and the field.
/// </summary>
internal static class OciJsonReader
{
    public static OciIndex Index(byte[] json, string where)
    {
        using var document = Parse(json, where);
        var root = document.RootElement;
        ExpectString(root, "mediaType", OciMediaTypes.Index, where);
        ExpectSchemaVersion(root, where);
        var manifests = Property(root, "manifests", JsonValueKind.Array, where)
            .EnumerateArray()
            .Select((m, i) => Descriptor(m, $"{where} manifests[{i}]"))
            .ToList();
        return new OciIndex(manifests);
    }

    public static OciManifest Manifest(byte[] json, string where)
    {
        using var document = Parse(json, where);
        var root = document.RootElement;
        ExpectString(root, "mediaType", OciMediaTypes.Manifest, where);
        ExpectSchemaVersion(root, where);
        var config = Descriptor(Property(root, "config", JsonValueKind.Object, where), where + " config");
        var layers = Property(root, "layers", JsonValueKind.Array, where)
            .EnumerateArray()
            .Select((l, i) => Descriptor(l, $"{where} layers[{i}]"))
            .ToList();
        var annotations = root.TryGetProperty("annotations", out var a) ? StringMap(a, where + " annotations") : new Dictionary<string, string>();
        return new OciManifest(config, layers, annotations);
    }

    /// <summary>rootfs.diff_ids of an image config.</summary>
    public static IReadOnlyList<Digest> DiffIds(byte[] json, string where)
    {
        using var document = Parse(json, where);
        var rootfs = Property(document.RootElement, "rootfs", JsonValueKind.Object, where);
        ExpectString(rootfs, "type", "layers", where + " rootfs");
        return Property(rootfs, "diff_ids", JsonValueKind.Array, where + " rootfs")
            .EnumerateArray()
            .Select((d, i) => ParseDigest(d, $"{where} rootfs.diff_ids[{i}]"))
            .ToList();
    }

    public static IReadOnlyList<DockerManifestEntry> DockerManifest(byte[] json, string where)
    {
        using var document = Parse(json, where);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new ImageVerificationException($"{where}: expected a JSON array");
        }

        return document.RootElement.EnumerateArray().Select((e, i) =>
        {
            var at = $"{where}[{i}]";
            return new DockerManifestEntry(
                Property(e, "Config", JsonValueKind.String, at).GetString()!,
                Strings(Property(e, "RepoTags", JsonValueKind.Array, at)),
                Strings(Property(e, "Layers", JsonValueKind.Array, at)));
        }).ToList();
    }

    public static JsonDocument Parse(byte[] json, string where)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ImageVerificationException($"{where}: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }
    }

    private static OciDescriptor Descriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ImageVerificationException($"{where}: expected an object");
        }

        var mediaType = Property(element, "mediaType", JsonValueKind.String, where).GetString()!;
        var digest = ParseDigest(Property(element, "digest", JsonValueKind.String, where), where + " digest");
        if (!Property(element, "size", JsonValueKind.Number, where).TryGetInt64(out var size) || size < 0)
        {
            throw new ImageVerificationException($"{where}: size is not a non-negative integer");
        }

        var annotations = element.TryGetProperty("annotations", out var a) ? StringMap(a, where + " annotations") : null;
        return new OciDescriptor(mediaType, digest, size, annotations);
    }

    private static Digest ParseDigest(JsonElement element, string where)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        return Digest.TryParse(text, out var digest)
            ? digest
            : throw new ImageVerificationException($"{where}: '{text}' is not a sha256 digest");
    }

    private static Dictionary<string, string> StringMap(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ImageVerificationException($"{where}: expected an object of strings");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw new ImageVerificationException($"{where}.{property.Name}: expected a string");
        }

        return map;
    }

    private static List<string> Strings(JsonElement array) =>
        array.EnumerateArray().Select(static e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            throw new ImageVerificationException($"{where}: missing field '{name}'");
        }

        return value.ValueKind == kind
            ? value
            : throw new ImageVerificationException($"{where}: field '{name}' should be {kind}, is {value.ValueKind}");
    }

    private static void ExpectString(JsonElement element, string name, string expected, string where)
    {
        var actual = Property(element, name, JsonValueKind.String, where).GetString();
        if (actual != expected)
        {
            throw new ImageVerificationException($"{where}: field '{name}' is '{actual}', expected '{expected}'");
        }
    }

    private static void ExpectSchemaVersion(JsonElement element, string where)
    {
        if (!Property(element, "schemaVersion", JsonValueKind.Number, where).TryGetInt32(out var version) || version != 2)
        {
            throw new ImageVerificationException($"{where}: schemaVersion is not 2");
        }
    }
}
