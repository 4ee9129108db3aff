namespace Vmspec.SpecCompiler.Diagnostics;

/// <summary>
/// One compile error, rendered as <c>file:line:column: error: field.path: message</c>
/// so editors and CI logs can jump to it.
/// </summary>
public sealed record Diagnostic(SourceLocation Location, string FieldPath, string Message)
{
    public override string ToString() =>
        FieldPath.Length == 0
            ? $"{Location}: error: {Message}"
            : $"{Location}: error: {FieldPath}: {Message}";
}
