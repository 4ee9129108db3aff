using System.Diagnostics;

namespace Vmspec.Lab.Qemu;

/// <summary>Debian's qemu-system-x86_64: where it is and which version it is.</summary>
public sealed record QemuBinary(string Path, string Version)
{
    public const string DebianPackage = "qemu-system-x86";
    public const string ExecutableName = "qemu-system-x86_64";

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
