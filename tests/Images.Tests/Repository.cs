namespace Vmspec.Images.Tests;

/// <summary>The checked-in repository these tests run in, and the .deb cache the build uses.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>$VMSPEC_CACHE, else ~/.cache/vmspec/debs: where ./build.sh Images keeps downloaded packages.</summary>
    public static string DebCache => Environment.GetEnvironmentVariable("VMSPEC_CACHE") is { Length: > 0 } directory
        ? directory
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vmspec", "debs");

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
