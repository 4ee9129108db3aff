namespace Vmspec.SpecCompiler.Shapes;

/// <summary>
/// Paths written in specs and image definitions: non-empty and free of control characters (a NUL
/// makes every .NET path API throw). <see cref="Pattern"/> puts the rule into the shapes and schemas;
/// binders check <see cref="IsUsable"/> before touching the disk because they also see rejected nodes.
/// </summary>
internal static class PathText
{
    public const string Pattern = @"^[^\u0000-\u001f]+$";

    public static bool IsUsable(string? text) => !string.IsNullOrEmpty(text) && !text.Any(char.IsControl);
}
