using System.Diagnostics;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>Repeated wall-clock measurements and their order statistics.</summary>
internal sealed record Timing(IReadOnlyList<double> Milliseconds)
{
    public double Median => Percentile(50);
    public double Min => Milliseconds.Min();

    public double Percentile(double percent)
    {
        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>
    /// Times <paramref name="runs"/> runs of a process (after one warm-up), output discarded; a run
    /// that exits other than <paramref name="expectedExitCode"/> fails the measurement (unless any exit is allowed).
    /// </summary>
    public static async Task<Timing> OfProcessAsync(string fileName, IReadOnlyList<string> arguments, int runs,
        string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, bool allowNonZeroExit = false,
        int expectedExitCode = 0)
    {
        var samples = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var start = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                start.Environment[name] = value;
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new BuildException($"could not start {fileName}");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (process.ExitCode != expectedExitCode && !allowNonZeroExit)
                throw new BuildException($"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {(await error).Trim()}{(await output).Trim()}");
            if (i > 0)
                samples.Add(elapsed); // run 0 warms the page cache and is not counted
        }
        return new Timing(samples);
    }
}
