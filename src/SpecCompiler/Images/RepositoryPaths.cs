namespace Vmspec.SpecCompiler.Images;

/// <summary>
/// Image plans name files relative to the repository root (with '/'), so they do not depend on
/// where the repository is checked out. The root is found by <see cref="Shared.Io.RepositoryRoot"/>.
/// </summary>
internal sealed class RepositoryPaths(string root)
{
    public const string SpecsDirectory = "specs";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The repository-relative path of <paramref name="fullPath"/>, or null when it lies outside the repository.</summary>
    public string? Relative(string fullPath)
    {
        var relative = Path.GetRelativePath(Root, Path.GetFullPath(fullPath)).Replace('\\', '/');
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative;
    }

    /// <summary>Whether a repository-relative path lies in specs/ (where the image's /opt/vmspec/specs comes from).</summary>
    public static bool InSpecs(string relative) => relative.StartsWith(SpecsDirectory + "/", StringComparison.Ordinal);
}
