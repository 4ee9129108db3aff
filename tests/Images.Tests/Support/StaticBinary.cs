using System.Diagnostics;

namespace Vmspec.Images.Tests.Support;

/// <summary>Builds a statically linked C program with gcc at test time; skips the test when gcc cannot.</summary>
internal static class StaticBinary
{
    public static string BuildOrSkip(string directory, string name, string cSource)
    {
        var source = Path.Combine(directory, name + ".c");
        var binary = Path.Combine(directory, name);
        File.WriteAllText(source, cSource);
        try
        {
            using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-static", "-O2", "-o", binary, source]) { RedirectStandardError = true })!;
            var errors = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
                Assert.Skip($"gcc -static failed (is libc6-dev installed?): {errors}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("gcc is not installed: cannot build the static test binary");
        }
        return binary;
    }
}
