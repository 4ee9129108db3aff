namespace Vmspec.Cli.Tests;

/// <summary>Paths of the checked-in repository the tests read (specs/).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string Specs => Path.Combine(Root, "specs");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "vmspec.slnx")))
                return directory.FullName;
        }
        throw new InvalidOperationException("vmspec.slnx not found above the test binary");
    }
}
