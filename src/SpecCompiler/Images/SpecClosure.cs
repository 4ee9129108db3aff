using System.Text.RegularExpressions;
using Vmspec.SpecCompiler.Composition;

namespace Vmspec.SpecCompiler.Images;

/// <summary>
/// The files a spec needs beside itself to compile where it is installed: the bases of its extends
/// chain and the JSON Schema its first line points editors at.
/// </summary>
internal static partial class SpecClosure
{
    [GeneratedRegex(@"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")]
    private static partial Regex SchemaComment();

    /// <summary>Full paths of the spec's chain files and referenced schemas (unordered; missing ones included, for the caller to report).</summary>
    public static IEnumerable<string> Of(string specFile)
    {
        // A broken chain is reported when the spec itself is compiled; here only what loads counts.
        var chain = ExtendsChain.Load(specFile, new DiagnosticBag()) ?? [];
        foreach (var source in chain)
        {
            var full = Path.GetFullPath(source.File);
            yield return full;
            if (SchemaOf(full) is { } schema)
                yield return Path.GetFullPath(Path.Join(Path.GetDirectoryName(full), schema));
        }
    }

    private static string? SchemaOf(string file)
    {
        try
        {
            using var reader = new StreamReader(file);
            return reader.ReadLine() is { } first && SchemaComment().Match(first) is { Success: true } m && !m.Groups[1].Value.Contains("://", StringComparison.Ordinal)
                ? m.Groups[1].Value
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the spec's own compilation reports an unreadable file
        }
    }
}
