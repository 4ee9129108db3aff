namespace Vmspec.SpecCompiler.Syntax;

/// <summary>
/// Bounds that keep hostile input (alias bombs, deep nesting, huge files) from exhausting time
/// or memory. Aliases count as their expanded size, so a billion-laughs file hits MaxNodes early.
/// </summary>
internal static class SyntaxLimits
{
    public const long MaxFileBytes = 1024 * 1024;
    public const int MaxNodes = 100_000;
    public const int MaxDepth = 64;
    public const int MaxExtendsDepth = 16;
}
