using System.Diagnostics;

namespace Vmspec.Images;

/// <summary>The apt commands the image builder needs: resolve a candidate, download a pinned .deb.</summary>
public class AptClient
{
    /// <summary>Current candidate of <paramref name="name"/> from `apt-cache show` (needs a prior apt-get update).</summary>
    public virtual DebianPackage ResolveCandidate(string name)
    {
        var output = Run("apt-cache", ["show", "--no-all-versions", name], null, $"package '{name}'");
        string? Field(string field) => output.Split('\n')
            .FirstOrDefault(line => line.StartsWith(field + ": ", StringComparison.Ordinal))?[(field.Length + 2)..].Trim();

        var version = Field("Version");
        var architecture = Field("Architecture");
        var sha256 = Field("SHA256");
        var pool = Field("Filename");
        if (version is null || architecture is null || sha256 is null || pool is null)
        {
            throw new ImageBuildException($"package '{name}': apt-cache show gave no Version/Architecture/SHA256/Filename (run apt-get update?)");
        }

        return new DebianPackage(name, version, architecture, sha256, Path.GetFileName(pool));
    }

    /// <summary>Downloads exactly the pinned version into <paramref name="directory"/> and returns the file apt wrote.</summary>
    public virtual string Download(DebianPackage package, string directory)
    {
        try
        {
            Run("apt-get", ["download", "-q", $"{package.Name}={package.Version}"], directory, package.ToString());
        }
        catch (ImageBuildException e)
        {
            throw new PackageNotServedException($"{e.Message} (the pinned version may no longer be served: ./build.sh Lock pins the current ones)", e);
        }

        // apt-get names the file name_version_arch.deb with ':' (epoch) escaped as %3a.
        var written = Path.Combine(directory, $"{package.Name}_{package.Version.Replace(":", "%3a", StringComparison.Ordinal)}_{package.Architecture}.deb");
        return File.Exists(written)
            ? written
            : throw new ImageBuildException($"{package}: apt-get download reported success but '{written}' is missing");
    }

    private static string Run(string program, IReadOnlyList<string> arguments, string? workingDirectory, string subject)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? stdout
                : throw new ImageBuildException($"{subject}: {program} {string.Join(' ', arguments)} failed: {stderr.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ImageBuildException($"{subject}: cannot run {program}: {e.Message}", e);
        }
    }
}
