using System.Security.Cryptography;
using Vmspec.Shared.Io;

namespace Vmspec.Shared.Debian;

/// <summary>
/// The folder of downloaded .debs, shared by guest kernels, lab host kernels and image layers: each file is named as
/// `apt-get download` names it and is checked against its pin's SHA-256 whenever it is used.
/// </summary>
public sealed class DebCache(string directory, AptGet? apt = null)
{
    public const string EnvironmentVariable = "VMSPEC_CACHE";

    private static readonly TimeSpan ProgressPollInterval = TimeSpan.FromMilliseconds(500);
    private readonly AptGet _apt = apt ?? new AptGet();

    public string Directory { get; } = directory;

    /// <summary>$VMSPEC_CACHE if set, else ~/.cache/vmspec/debs.</summary>
    public static string DefaultDirectory =>
        ResolveDirectory(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string ResolveDirectory(string? variable, string home) =>
        variable is { Length: > 0 } ? variable : Path.Combine(home, ".cache", "vmspec", "debs");

    /// <summary>The cached .deb of <paramref name="pin"/> (not yet verified), or null if absent.</summary>
    public string? FindCached(DebianPin pin)
    {
        if (!System.IO.Directory.Exists(Directory))
            return null;
        var matches = System.IO.Directory.GetFiles(Directory, pin.FileNamePattern);
        Array.Sort(matches, StringComparer.Ordinal);
        return matches.Length > 0 ? matches[0] : null;
    }

    /// <summary>
    /// The verified cached .deb, downloaded first when absent. A cached file whose SHA-256 differs is an error, not
    /// replaced: it means a wrong pin or a damaged cache, and either deserves a look.
    /// </summary>
    /// <param name="progress">makes the reporter for a download, given what is downloading; null reports nothing</param>
    public async Task<string> FetchAsync(DebianPin pin, Func<string, DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (FindCached(pin) is { } cached)
        {
            Verify(pin, cached);
            return cached;
        }
        System.IO.Directory.CreateDirectory(Directory);
        // Downloaded into a private folder beside the cache and renamed in once verified, so a failed, interrupted or
        // wrong download never leaves a file that looks cached.
        var staging = Path.Combine(Directory, $".fetch-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            var download = _apt.DownloadAsync(pin, staging, cancellationToken);
            var downloaded = progress is null ? await download.ConfigureAwait(false)
                : await WithProgressAsync(pin, download, staging, progress(pin.ToString()), cancellationToken).ConfigureAwait(false);
            var actual = Sha256Of(downloaded);
            if (actual != pin.Sha256)
                throw new DebianPackageException($"{pin}: downloaded {Path.GetFileName(downloaded)} has sha256 {actual}, expected {pin.Sha256}");
            var path = Path.Combine(Directory, Path.GetFileName(downloaded));
            File.Move(downloaded, path, overwrite: true);
            return path;
        }
        finally
        {
            System.IO.Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Throws unless <paramref name="path"/> exists and its SHA-256 is the pinned one.</summary>
    public static void Verify(DebianPin pin, string path)
    {
        if (!File.Exists(path))
            throw new DebianPackageException($"{path}: missing; fetch it with `{pin.FetchCommand}`");
        var actual = Sha256Of(path);
        if (actual != pin.Sha256)
            throw new DebianPackageException($"{path}: sha256 is {actual}, expected {pin.Sha256} for {pin}");
    }

    private async Task<string> WithProgressAsync(DebianPin pin, Task<string> download, string staging, DownloadProgress progress,
        CancellationToken cancellationToken)
    {
        var total = await _apt.DownloadSizeAsync(pin, cancellationToken).ConfigureAwait(false);
        while (!download.IsCompleted)
        {
            progress.Report(BytesIn(staging), total);
            await Task.WhenAny(download, Task.Delay(ProgressPollInterval, cancellationToken)).ConfigureAwait(false);
        }
        var path = await download.ConfigureAwait(false);
        progress.Finish(new FileInfo(path).Length);
        return path;
    }

    private static long BytesIn(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(static file =>
        {
            try
            {
                return file.Length;
            }
            catch (FileNotFoundException)
            {
                return 0; // apt renamed it between listing and stat
            }
        });

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
