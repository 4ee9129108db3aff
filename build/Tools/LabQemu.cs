using Vmspec.Lab.Qemu;

namespace Vmspec.Build.Tools;

/// <summary>
/// The lab's QEMU on Debian 12: its own (7.2) halts the lab (see <see cref="QemuBinary.ReliableMajor"/>), its backports
/// suite has 10.0. When the installed QEMU is older than that, or absent, it is installed from bookworm-backports, whose
/// apt source is added first if missing (backports are pinned low by Debian: only what is asked for comes from there).
/// Other systems get their release's QEMU; vmspec warns at each lab boot when that one is too old.
/// </summary>
internal static class LabQemu
{
    public const string Path = "/usr/bin/qemu-system-x86_64";
    public const string Suite = "bookworm-backports";
    public const string SourceFile = "/etc/apt/sources.list.d/vmspec-bookworm-backports.sources";

    public const string Source = $"""
        # Added by vmspec's build for the lab's QEMU: apt-get install -t {Suite} qemu-system-x86
        Types: deb
        URIs: http://deb.debian.org/debian
        Suites: {Suite}
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        """;

    public static async Task EnsureReliableAsync()
    {
        var installed = File.Exists(Path) ? QemuBinary.Find(System.IO.Path.GetDirectoryName(Path)) : null;
        if (installed is { Caveat: null } || Codename(ReadOrEmpty("/etc/os-release")) != "bookworm")
            return;
        string install = $"apt-get install -y -t {Suite} {QemuBinary.DebianPackage}";
        string why = installed?.Caveat is { } caveat ? $"the KVM lab has QEMU {installed.Version}: {caveat}" : "the KVM lab needs QEMU";
        if (!DebianPackages.CanInstall)
        {
            Console.WriteLine($"warning: {why}; run `sudo {install}`{(ConfiguresBackports() ? "" : $" after adding {Suite} to apt's sources")}");
            return;
        }
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        if (!ConfiguresBackports())
        {
            Console.WriteLine($"{why}: adding {Suite} to apt's sources ({SourceFile})");
            File.WriteAllText(SourceFile + ".tmp", Source);
            File.Move(SourceFile + ".tmp", SourceFile, overwrite: true);
        }
        Console.WriteLine($"{why}: {install}");
        await ProcessRunner.RunForExitCodeAsync("apt-get", ["update", "-qq"], "/", environment);
        int exitCode = await ProcessRunner.RunForExitCodeAsync("apt-get", ["install", "-y", "-qq", "-t", Suite, QemuBinary.DebianPackage], "/", environment);
        if (exitCode != 0)
            Console.WriteLine($"warning: `{install}` failed with exit code {exitCode}; the lab keeps {installed?.Version ?? "no QEMU"}");
    }

    /// <summary>VERSION_CODENAME of an os-release file, or null.</summary>
    internal static string? Codename(string osRelease) => osRelease.Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))
        .Select(line => line["VERSION_CODENAME=".Length..].Trim('"', '\''))
        .FirstOrDefault();

    /// <summary>Whether an apt source (one-line or deb822) of the backports suite is configured and not commented out.</summary>
    internal static bool MentionsSuite(IEnumerable<string> sourceFiles) => sourceFiles
        .SelectMany(text => text.Split('\n'))
        .Any(line => !line.TrimStart().StartsWith('#') && line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Contains(Suite));

    private static bool ConfiguresBackports() => MentionsSuite(
        new[] { "/etc/apt/sources.list" }
            .Concat(Directory.Exists("/etc/apt/sources.list.d") ? Directory.GetFiles("/etc/apt/sources.list.d") : [])
            .Where(f => f.EndsWith(".list", StringComparison.Ordinal) || f.EndsWith(".sources", StringComparison.Ordinal))
            .Select(ReadOrEmpty));

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
