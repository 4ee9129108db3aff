using System.Diagnostics;
using System.Globalization;

namespace Vmspec.Shared.Debian;

/// <summary>The apt commands vmspec runs: resolve a package's current candidate, download a pinned version.</summary>
public class AptGet
{
    /// <summary>Current candidate of <paramref name="name"/> from `apt-cache show` (needs a prior apt-get update).</summary>
    public virtual DebianPackage ResolveCandidate(string name)
    {
        var output = RunAsync("apt-cache", ["show", "--no-all-versions", name], null, $"package '{name}'", CancellationToken.None).GetAwaiter().GetResult();
        string? Field(string field) => output.Split('\n')
            .FirstOrDefault(line => line.StartsWith(field + ": ", StringComparison.Ordinal))?[(field.Length + 2)..].Trim();

        var version = Field("Version");
        var architecture = Field("Architecture");
        var sha256 = Field("SHA256");
        var pool = Field("Filename");
        if (version is null || architecture is null || sha256 is null || pool is null)
            throw new DebianPackageException($"package '{name}': apt-cache show gave no Version/Architecture/SHA256/Filename (run apt-get update?)");
        return new DebianPackage(name, version, architecture, sha256, Path.GetFileName(pool));
    }

    /// <summary>The size apt will download for <paramref name="pin"/>, or null when apt cannot say (it is only used for progress).</summary>
    public virtual async Task<long?> DownloadSizeAsync(DebianPin pin, CancellationToken cancellationToken)
    {
        // One line per file: 'URI' FILENAME SIZE SHA256:HEX
        try
        {
            var output = await RunAsync("apt-get", ["download", "--print-uris", pin.ToString()], null, pin.ToString(), cancellationToken).ConfigureAwait(false);
            var fields = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
        }
        catch (DebianPackageException)
        {
            return null; // the download itself reports why
        }
    }

    /// <summary>Downloads exactly the pinned version into the empty <paramref name="directory"/>; returns the file apt wrote.</summary>
    public virtual async Task<string> DownloadAsync(DebianPin pin, string directory, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync("apt-get", ["download", "-q", pin.ToString()], directory, pin.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (DebianPackageException e)
        {
            throw new PackageNotServedException($"{e.Message} (offline, or the pinned version is no longer served: `./build.sh Lock` pins the current image packages)", e);
        }
        return Directory.GetFiles(directory, "*.deb") is [var single] ? single
            : throw new DebianPackageException($"`{pin.FetchCommand}` did not produce exactly one .deb");
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory, string subject,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DebianPackageException($"{subject}: {program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DebianPackageException($"{subject}: cannot run {program}: {e.Message}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            return process.ExitCode == 0
                ? await stdout.ConfigureAwait(false)
                : throw new DebianPackageException($"{subject}: `{program} {string.Join(' ', arguments)}` failed with exit code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }
    }
}
