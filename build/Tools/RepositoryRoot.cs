using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>The checkout's root: the nearest directory upwards that holds vmspec.slnx.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "vmspec.slnx")))
                return directory.FullName;
        }
        throw new BuildException("Run ./build.sh inside the vmspec checkout (no vmspec.slnx found above the current directory)");
    }
}
