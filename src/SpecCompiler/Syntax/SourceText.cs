using Vmspec.SpecCompiler.Diagnostics;

namespace Vmspec.SpecCompiler.Syntax;

/// <summary>Reads a single-file source (image definition, host kernel) within <see cref="SyntaxLimits.MaxFileBytes"/>.</summary>
internal static class SourceText
{
    /// <summary>The file's text, or null with the reason reported at its first line.</summary>
    public static string? Read(string path, DiagnosticBag diagnostics)
    {
        var at = new SourceLocation(path, 1, 1);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                diagnostics.Add(at, "", $"file '{path}' does not exist");
            else if (info.Length > SyntaxLimits.MaxFileBytes)
                diagnostics.Add(at, "", $"file '{path}' is larger than the {SyntaxLimits.MaxFileBytes} byte limit");
            else
                return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or ArgumentException or NotSupportedException)
        {
            diagnostics.Add(at, "", $"cannot read '{path}': {e.Message}");
        }
        return null;
    }
}
