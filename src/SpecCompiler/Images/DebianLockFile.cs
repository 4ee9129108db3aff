using System.Text.Json;

namespace Vmspec.SpecCompiler.Images;

/// <summary>
/// The package names of a Debian lock file (<c>{"packages": [{"name": ...}, ...]}</c>); the image
/// builder reads versions and hashes itself, the compiler only checks that wanted packages are pinned.
/// </summary>
internal static class DebianLockFile
{
    private const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>The names, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static IReadOnlySet<string>? PackageNames(byte[] bytes, out string error)
    {
        error = "";
        if (bytes.Length > MaxBytes)
        {
            error = $"is larger than the {MaxBytes} byte limit";
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("packages", out var packages)
                || packages.ValueKind != JsonValueKind.Array)
            {
                error = "expected a JSON object with a 'packages' array";
                return null;
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var package in packages.EnumerateArray())
            {
                if (package.ValueKind != JsonValueKind.Object || !package.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    error = $"packages[{index}]: expected an object with a string 'name'";
                    return null;
                }
                names.Add(name.GetString()!);
                index++;
            }
            return names;
        }
        catch (JsonException e)
        {
            error = $"is not valid JSON: {e.Message}";
            return null;
        }
    }
}
