using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Vmspec.GuestKernels.Debian;

/// <summary>
/// A kernel pinned by Debian package name, version and sha256: fetched with `apt-get download`
/// into a cache directory, verified, and its ./boot/vmlinuz-* extracted without dpkg.
/// </summary>
public sealed partial record DebianKernelPackage
{
    public const string CacheEnvironmentVariable = "VMSPEC_CACHE";

    public string Name { get; }
    public string Version { get; }
    /// <summary>Lower-case hex SHA-256 of the .deb.</summary>
    public string Sha256 { get; }

    public DebianKernelPackage(string name, string version, string sha256)
    {
        if (!PackageName().IsMatch(name))
            throw new KernelImageException($"package name \"{name}\" is not a Debian package name");
        if (!PackageVersion().IsMatch(version))
            throw new KernelImageException($"package version \"{version}\" of {name} is not a Debian version");
        if (!Sha256Hex().IsMatch(sha256))
            throw new KernelImageException($"sha256 of {name}={version} must be 64 hex digits, got \"{sha256}\"");
        Name = name;
        Version = version;
        Sha256 = sha256.ToLowerInvariant();
    }

    /// <summary>$VMSPEC_CACHE if set, else ~/.cache/vmspec/debs.</summary>
    public static string DefaultCacheDirectory =>
        ResolveCacheDirectory(Environment.GetEnvironmentVariable(CacheEnvironmentVariable),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string ResolveCacheDirectory(string? variable, string home) =>
        variable is { Length: > 0 } ? variable : System.IO.Path.Combine(home, ".cache", "vmspec", "debs");

    /// <summary>The command that fetches this package into the current directory.</summary>
    public string FetchCommand => $"apt-get download {Name}={Version}";

    /// <summary>The cached .deb (apt-get's NAME_VERSION_ARCH.deb naming, ':' as %3a), or null if absent.</summary>
    public string? FindCached(string? cacheDirectory = null)
    {
        string dir = cacheDirectory ?? DefaultCacheDirectory;
        if (!Directory.Exists(dir))
            return null;
        var matches = Directory.GetFiles(dir, $"{Name}_{Version.Replace(":", "%3a", StringComparison.Ordinal)}_*.deb");
        Array.Sort(matches, StringComparer.Ordinal);
        return matches.Length > 0 ? matches[0] : null;
    }

    /// <summary>Returns the verified cached .deb, downloading it first with apt-get if it is absent.</summary>
    public async Task<string> FetchAsync(string? cacheDirectory = null, CancellationToken cancellationToken = default)
    {
        string dir = cacheDirectory ?? DefaultCacheDirectory;
        if (FindCached(dir) is not { } path)
        {
            Directory.CreateDirectory(dir);
            // Download into a private directory beside the cache and rename the finished file in, so a
            // failed or interrupted download never leaves a file that looks cached.
            string staging = System.IO.Path.Combine(dir, $".fetch-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            try
            {
                await RunAptGetDownloadAsync(staging, cancellationToken).ConfigureAwait(false);
                string downloaded = Directory.GetFiles(staging, "*.deb") is [var single] ? single
                    : throw new KernelImageException($"`{FetchCommand}` did not produce exactly one .deb");
                // Checked before the rename: a .deb with the wrong hash must not sit in the cache looking fetched.
                Verify(downloaded);
                path = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(downloaded));
                File.Move(downloaded, path, overwrite: true);
                return path;
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        Verify(path);
        return path;
    }

    /// <summary>Throws unless the file's SHA-256 is the pinned one.</summary>
    public void Verify(string debPath)
    {
        if (!File.Exists(debPath))
            throw new KernelImageException($"{debPath}: missing; fetch it with `{FetchCommand}`");
        string actual;
        using (var stream = File.OpenRead(debPath))
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != Sha256)
            throw new KernelImageException($"{debPath}: sha256 is {actual}, expected {Sha256} for {Name}={Version}");
    }

    /// <summary>Verifies the .deb, then writes its ./boot/vmlinuz-* to <paramref name="outputPath"/> (temp file, then rename).</summary>
    public string ExtractVmlinuz(string debPath, string outputPath)
    {
        Verify(debPath);
        var member = DebArchive.ReadVmlinuz(File.ReadAllBytes(debPath), debPath);
        string temp = outputPath + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllBytes(temp, member.Contents);
            File.Move(temp, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return member.Name;
    }

    private async Task RunAptGetDownloadAsync(string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("apt-get")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("download");
        start.ArgumentList.Add($"{Name}={Version}");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new KernelImageException($"`{FetchCommand}` did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KernelImageException($"`{FetchCommand}` could not run: {e.Message}", e);
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
            if (process.ExitCode != 0)
                throw new KernelImageException($"`{FetchCommand}` failed with exit code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageName();

    [GeneratedRegex("^[0-9][A-Za-z0-9.+~:-]*$")]
    private static partial Regex PackageVersion();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Hex();
}
