using System.Diagnostics;

namespace Vmspec.TestSupport;

/// <summary>The xz command line tool (xz-utils), the reference the xz decoder is compared with; tests that need it skip without it.</summary>
public static class XzCli
{
    private static readonly Lazy<string?> Found = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "xz"))
            .FirstOrDefault(File.Exists));

    public static bool IsAvailable => Found.Value is not null;

    /// <summary>The path of xz, or a skip saying it is missing.</summary>
    public static string Require()
    {
        if (Found.Value is null)
            Assert.Skip("the xz command (xz-utils) is not on PATH; install it with: apt-get install xz-utils");
        return Found.Value;
    }

    /// <summary>Runs xz with <paramref name="arguments"/> and <paramref name="input"/> on stdin; returns its stdout.
    /// Any exit status but 0 fails: 1 is an error, 2 a warning such as "trailing garbage".</summary>
    public static byte[] Run(byte[] input, params string[] arguments)
    {
        var start = new ProcessStartInfo(Require())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("xz did not start");
        var output = new MemoryStream();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(output);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdin = Task.Run(() =>
        {
            using var pipe = process.StandardInput.BaseStream;
            pipe.Write(input);
        });
        Task.WaitAll(stdin, stdout, stderr);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"xz {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        return output.ToArray();
    }
}
