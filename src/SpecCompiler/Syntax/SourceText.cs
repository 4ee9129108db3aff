using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Vmspec.SpecCompiler.Syntax;

/// <summary>Reads a source file within <see cref="SyntaxLimits.MaxFileBytes"/> as strict UTF-8.</summary>
internal static class SourceText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or null with the reason reported at its first line.</summary>
    public static string? Read(string path, DiagnosticBag diagnostics) => Read(path, path, requestedAt: null, "", diagnostics);

    /// <summary>
    /// The text of <paramref name="fullPath"/>, named <paramref name="display"/> in diagnostics. A file
    /// that is missing or unreadable is reported where it was asked for (<paramref name="requestedAt"/>,
    /// under <paramref name="field"/>) when given; bytes that are not UTF-8 are reported where they are.
    /// </summary>
    public static string? Read(string display, string fullPath, SourceLocation? requestedAt, string field, DiagnosticBag diagnostics)
    {
        var at = requestedAt ?? new SourceLocation(display, 1, 1);
        try
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists)
                diagnostics.Add(at, field, $"file '{display}' does not exist");
            else if (info.Length > SyntaxLimits.MaxFileBytes)
                diagnostics.Add(at, field, $"file '{display}' is larger than the {SyntaxLimits.MaxFileBytes} byte limit");
            else
                return Decode(display, File.ReadAllBytes(fullPath), diagnostics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or ArgumentException or NotSupportedException)
        {
            diagnostics.Add(at, field, $"cannot read '{display}': {e.Message}");
        }
        return null;
    }

    /// <summary>
    /// UTF-8 bytes as text (a leading byte order mark dropped), or null with the first invalid
    /// byte's line and column: a spec is never read with replacement characters.
    /// </summary>
    public static string? Decode(string file, ReadOnlySpan<byte> bytes, DiagnosticBag diagnostics)
    {
        var byteOrderMark = "\uFEFF"u8;
        if (bytes.StartsWith(byteOrderMark))
            bytes = bytes[byteOrderMark.Length..];
        if (Utf8.IsValid(bytes))
            return StrictUtf8.GetString(bytes);
        var (line, column) = (1, 1);
        while (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
        {
            (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + rune.Utf16SequenceLength);
            bytes = bytes[consumed..];
        }
        diagnostics.Add(new SourceLocation(file, line, column), "",
            $"the file is not valid UTF-8 (byte 0x{bytes[0]:X2}); save it as UTF-8");
        return null;
    }
}
