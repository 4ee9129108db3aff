namespace Vmspec.Shared.Io;

/// <summary>The vmspec checkout: the nearest directory at or above a starting point that holds vmspec.slnx.</summary>
public static class RepositoryRoot
{
    public const string Marker = "vmspec.slnx";

    /// <summary>The root at or above <paramref name="start"/> (a directory, or a file whose directory is searched), or null.</summary>
    public static string? FindAbove(string start)
    {
        var full = Path.GetFullPath(start);
        for (var directory = Directory.Exists(full) ? full : Path.GetDirectoryName(full); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Join(directory, Marker)))
                return directory;
        }
        return null;
    }
}
