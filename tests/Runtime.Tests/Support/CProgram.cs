using System.Diagnostics;
using Vmspec.TestSupport;

namespace Vmspec.Runtime.Tests.Support;

/// <summary>Compiles and runs a small C program with gcc at test time; its output is "name value" lines (the name may contain spaces).</summary>
internal static class CProgram
{
    public static IReadOnlyDictionary<string, ulong> Run(string name, string source)
    {
        string? gcc = FindOnPath("gcc");
        if (gcc is null) Assert.Skip("gcc is not installed: cannot compare against the C headers");
        using var temp = new TempDirectory($"vmspec-{name}-");
        string dir = temp.Path;
        string c = Path.Combine(dir, name + ".c"), exe = Path.Combine(dir, name);
        File.WriteAllText(c, source);
        string compileOutput = Execute(gcc, ["-O0", "-o", exe, c], out int compileRc);
        Assert.True(compileRc == 0, $"gcc failed:\n{compileOutput}");
        string output = Execute(exe, [], out int rc);
        Assert.Equal(0, rc);
        var values = new Dictionary<string, ulong>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int space = line.LastIndexOf(' ');
            values[line[..space]] = ulong.Parse(line[(space + 1)..]);
        }
        return values;
    }

    private static string Execute(string file, string[] args, out int exitCode)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        exitCode = p.ExitCode;
        return stdout + stderr.Result;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
