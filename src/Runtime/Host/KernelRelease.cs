namespace Vmspec.Runtime.Host;

/// <summary>The running kernel's release, as <c>uname -r</c> prints it; expectations keyed by host kernel compare with it.</summary>
public static class KernelRelease
{
    /// <summary>/proc/sys/kernel/osrelease, or the version .NET knows when /proc is not there.</summary>
    public static string Read(string osrelease)
    {
        try
        {
            if (File.ReadAllText(osrelease).Trim() is { Length: > 0 } release)
                return release;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return Environment.OSVersion.Version.ToString();
    }
}
