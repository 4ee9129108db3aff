using System.Diagnostics;

namespace Vmspec.Lab.Qemu;

/// <summary>Debian's qemu-system-x86_64: where it is and which version it is.</summary>
public sealed record QemuBinary(string Path, string Version)
{
    public const string DebianPackage = "qemu-system-x86";
    public const string ExecutableName = "qemu-system-x86_64";

    /// <summary>
    /// The oldest QEMU the lab is known to run on reliably. Under QEMU 7.2 (Debian 12's own) the lab's CPU stops for
    /// good once a nested Linux guest runs: HLT with IF=1 and the lab kernel's timer interrupt pending in the APIC's IRR,
    /// never delivered (README, "The lab's QEMU"); QEMU 10.0 from bookworm-backports did not stop in the same runs.
    /// </summary>
    public const int ReliableMajor = 10;

    /// <summary>The major version, from "7.2.22 (Debian …)"; null if the version does not start with one.</summary>
    public int? Major => int.TryParse(Version.Split('.', ' ')[0], out int major) ? major : null;

    /// <summary>Why this QEMU may halt the lab, or null when it is recent enough (or its version unknown).</summary>
    public string? Caveat => Major < ReliableMajor
        ? $"QEMU {Major} is known to halt the lab's CPU for good (a nested Linux guest is enough); QEMU {ReliableMajor} or later is not "
          + "(on Debian 12: apt-get install -t bookworm-backports qemu-system-x86)"
        : null;

    /// <summary>Finds qemu-system-x86_64 on PATH; the error names the package that provides it.</summary>
    public static QemuBinary Find(string? pathVariable = null)
    {
        string? found = (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, ExecutableName))
            .FirstOrDefault(File.Exists);
        if (found is null)
            throw new LabException($"{ExecutableName} is not installed: the lab needs QEMU (apt-get install {DebianPackage})");
        return new QemuBinary(found, ReadVersion(found));
    }

    /// <summary>"7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" from "QEMU emulator version ...".</summary>
    internal static string ParseVersion(string versionOutput)
    {
        const string prefix = "QEMU emulator version ";
        string first = versionOutput.Split('\n')[0].Trim();
        return first.StartsWith(prefix, StringComparison.Ordinal) ? first[prefix.Length..] : first;
    }

    private static string ReadVersion(string path)
    {
        var start = new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new LabException($"{path} --version did not start");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new LabException($"{path} --version failed with exit code {process.ExitCode}");
        return ParseVersion(output);
    }
}
