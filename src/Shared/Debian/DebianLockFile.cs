using System.Text.Encodings.Web;
using System.Text.Json;
using Vmspec.Shared.Io;

namespace Vmspec.Shared.Debian;

/// <summary>
/// images/debian.lock.json: {"packages":[{name, version, architecture, sha256, filename}]} sorted
/// by name: what the image builder installs, and what the spec compiler checks image packages against.
/// Read with JsonDocument; errors name the file, the line or the package and field.
/// </summary>
public sealed class DebianLockFile(IReadOnlyList<DebianPackage> packages)
{
    private const long MaxBytes = 16 << 20;
    private static readonly string[] Fields = ["name", "version", "architecture", "sha256", "filename"];

    public IReadOnlyList<DebianPackage> Packages { get; } = packages.OrderBy(static p => p.Name, StringComparer.Ordinal).ToList();

    public static DebianLockFile Load(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DebianPackageException($"{path}: cannot read the Debian lock file: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses lock file bytes; <paramref name="path"/> names the file in errors.</summary>
    public static DebianLockFile Parse(byte[] json, string path)
    {
        if (json.Length > MaxBytes)
            throw new DebianPackageException($"{path}: is larger than the {MaxBytes} byte limit of a lock file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new DebianPackageException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: invalid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("packages", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new DebianPackageException($"{path}: expected a JSON object with a 'packages' array");
            }

            return new DebianLockFile(list.EnumerateArray().Select((p, i) => ParsePackage(p, $"{path}: packages[{i}]")).ToList());
        }
    }

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteStartArray("packages");
        foreach (var package in Packages)
        {
            writer.WriteStartObject();
            writer.WriteString("name", package.Name);
            writer.WriteString("version", package.Version);
            writer.WriteString("architecture", package.Architecture);
            writer.WriteString("sha256", package.Sha256);
            writer.WriteString("filename", package.Filename);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    });

    /// <summary>Pins the current candidate of each named package (as apt-cache sees it) and keeps the other entries.</summary>
    public DebianLockFile Refresh(IEnumerable<string> names, AptGet apt)
    {
        var byName = Packages.ToDictionary(static p => p.Name, StringComparer.Ordinal);
        foreach (var name in names)
        {
            byName[name] = apt.ResolveCandidate(name);
        }

        return new DebianLockFile(byName.Values.ToList());
    }

    private static DebianPackage ParsePackage(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new DebianPackageException($"{where}: expected an object");
        }

        var values = Fields.Select(field => element.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new DebianPackageException($"{where}: field '{field}' is missing or not a non-empty string")).ToArray();
        if (values[3].Length != 64 || !values[3].All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new DebianPackageException($"{where} ({values[0]}): sha256 '{values[3]}' is not 64 lowercase hex digits");
        }

        if (values[4].Contains('/') || !values[4].EndsWith(".deb", StringComparison.Ordinal))
        {
            throw new DebianPackageException($"{where} ({values[0]}): filename '{values[4]}' must be a plain *.deb file name");
        }

        return new DebianPackage(values[0], values[1], values[2], values[3], values[4]);
    }
}
