using System.Diagnostics;

namespace Vmspec.Images.Tests;

/// <summary>Builds a tiny statically linked C program with gcc at test time (skips if gcc cannot).</summary>
internal static class StaticHello
{
    public const string Greeting = "hello from a vmspec image";

    public static string BuildOrSkip(string directory)
    {
        var source = Path.Combine(directory, "hello.c");
        var binary = Path.Combine(directory, "hello");
        File.WriteAllText(source, $$"""
            #include <unistd.h>
            static const char message[] = "{{Greeting}}\n";
            int main(void) { return write(1, message, sizeof message - 1) == sizeof message - 1 ? 0 : 1; }
            """);
        try
        {
            using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-static", "-O2", "-o", binary, source]) { RedirectStandardError = true })!;
            var errors = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
            {
                Assert.Skip($"gcc -static failed (is libc6-dev installed?): {errors}");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("gcc is not installed: cannot build the static test binary");
        }

        return binary;
    }
}
