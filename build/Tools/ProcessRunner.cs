using System.Diagnostics;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>Runs a tool with inherited output; a non-zero exit fails the target, naming the command.</summary>
internal static class ProcessRunner
{
    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var exitCode = await RunForExitCodeAsync(fileName, arguments, workingDirectory, environment);
        if (exitCode != 0)
            throw new BuildException($"'{fileName} {string.Join(' ', arguments)}' exited with code {exitCode}");
    }

    public static async Task<int> RunForExitCodeAsync(string fileName, IEnumerable<string> arguments,
        string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        Console.Out.Flush();
        using var process = Process.Start(start)
            ?? throw new BuildException($"Could not start '{fileName}'");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Runs a tool and returns its standard output; a non-zero exit fails the target with its standard error.</summary>
    public static async Task<string> CaptureAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = Redirected(fileName, arguments, workingDirectory);
        using var process = Process.Start(start) ?? throw new BuildException($"Could not start '{fileName}'");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new BuildException($"'{fileName} {string.Join(' ', start.ArgumentList)}' exited with code {process.ExitCode}: {(await error).Trim()}");
        return await output;
    }

    private static readonly Lock ConsoleLock = new();

    /// <summary>Runs a tool with its stdout and stderr lines written to our stdout behind <paramref name="prefix"/>, so
    /// that tools running side by side stay readable.</summary>
    public static async Task<int> RunPrefixedAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, string prefix)
    {
        var start = Redirected(fileName, arguments, workingDirectory);
        using var process = Process.Start(start) ?? throw new BuildException($"Could not start '{fileName}'");
        async Task Copy(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
                lock (ConsoleLock)
                    Console.Out.WriteLine(prefix + line);
        }
        await Task.WhenAll(Copy(process.StandardOutput), Copy(process.StandardError), process.WaitForExitAsync());
        return process.ExitCode;
    }

    private static ProcessStartInfo Redirected(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }
}
