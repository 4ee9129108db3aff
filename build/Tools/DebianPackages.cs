namespace Vmspec.Build.Tools;

/// <summary>
/// Debian packages a target needs: installed with apt-get when this is root on a Debian system, otherwise named with
/// the command that installs them. Returns whether they are all present afterwards.
/// </summary>
internal static class DebianPackages
{
    public static async Task<bool> EnsureAsync(string purpose, params (string Package, string File)[] needed)
    {
        var missing = needed.Where(n => !File.Exists(n.File)).Select(n => n.Package).Distinct().ToArray();
        if (missing.Length == 0)
            return true;
        string install = $"apt-get install -y {string.Join(' ', missing)}";
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            Console.WriteLine($"warning: {purpose} needs {string.Join(", ", missing)}: run `sudo {install}`");
            return false;
        }
        Console.WriteLine($"{purpose} needs {string.Join(", ", missing)}: {install}");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        int exitCode = await ProcessRunner.RunForExitCodeAsync("apt-get", ["install", "-y", "-qq", .. missing], "/", environment);
        if (exitCode != 0)
        {
            // Stale package lists are the usual cause on a fresh machine.
            await ProcessRunner.RunForExitCodeAsync("apt-get", ["update", "-qq"], "/", environment);
            exitCode = await ProcessRunner.RunForExitCodeAsync("apt-get", ["install", "-y", "-qq", .. missing], "/", environment);
        }
        if (exitCode != 0)
            Console.WriteLine($"warning: `{install}` failed with exit code {exitCode}");
        return needed.All(n => File.Exists(n.File));
    }

    /// <summary>What the lab needs: QEMU and a static busybox for its init.</summary>
    public static Task<bool> EnsureLabAsync() => EnsureAsync("the KVM lab",
        ("qemu-system-x86", "/usr/bin/qemu-system-x86_64"), ("busybox-static", "/bin/busybox"));

    /// <summary>What the report's tests render it with: Debian's headless-capable Chromium.</summary>
    public static Task<bool> EnsureReportBrowserAsync() => EnsureAsync("the HTML report's browser tests", ("chromium", "/usr/bin/chromium"));
}
