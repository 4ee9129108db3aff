using Vmspec.Shared.Debian;
using Vmspec.Shared.Io;

namespace Vmspec.GuestKernels.Debian;

/// <summary>A file taken out of a package.</summary>
public sealed record DebMember(string Name, byte[] Contents);

/// <summary>
/// A linux-image package pinned by name, version and sha256: fetched and verified through the shared .deb cache
/// (<see cref="DebCache"/>), its ./boot/vmlinuz-* read without dpkg. Package errors are reported as
/// <see cref="KernelImageException"/>s.
/// </summary>
public sealed record DebianKernelPackage
{
    /// <summary>vmlinuz files are ~10-15 MiB; a larger tar entry is refused rather than buffered.</summary>
    public const long MaxVmlinuzSize = 256L << 20;

    public DebianPin Pin { get; }
    public string Name => Pin.Name;
    public string Version => Pin.Version;
    /// <summary>Lower-case hex SHA-256 of the .deb.</summary>
    public string Sha256 => Pin.Sha256;
    /// <summary>The command that fetches this package into the current directory.</summary>
    public string FetchCommand => Pin.FetchCommand;

    public DebianKernelPackage(string name, string version, string sha256) => Pin = Guard(() => new DebianPin(name, version, sha256));

    /// <summary>The cached .deb, or null if absent; <paramref name="cacheDirectory"/> defaults to <see cref="DebCache.DefaultDirectory"/>.</summary>
    public string? FindCached(string? cacheDirectory = null) => new DebCache(cacheDirectory ?? DebCache.DefaultDirectory).FindCached(Pin);

    /// <summary>Returns the verified cached .deb, downloading it first (progress on standard error) if it is absent.</summary>
    public Task<string> FetchAsync(string? cacheDirectory = null, CancellationToken cancellationToken = default) =>
        GuardAsync(() => new DebCache(cacheDirectory ?? DebCache.DefaultDirectory).FetchAsync(Pin, DownloadProgress.ToStandardError, cancellationToken));

    /// <summary>
    /// The package's vmlinuz, unpacked next to the verified cached .deb as <c>SHA256.vmlinuz</c> (unpacking the xz data.tar
    /// costs seconds, so it is kept); fetches the .deb first if it is absent.
    /// </summary>
    public async Task<string> FetchVmlinuzAsync(string? cacheDirectory = null, CancellationToken cancellationToken = default)
    {
        var deb = await FetchAsync(cacheDirectory, cancellationToken).ConfigureAwait(false);
        var vmlinuz = Path.Combine(Path.GetDirectoryName(deb)!, $"{Sha256}.vmlinuz");
        if (!File.Exists(vmlinuz))
            ExtractVmlinuz(deb, vmlinuz);
        return vmlinuz;
    }

    /// <summary>Throws unless the file's SHA-256 is the pinned one.</summary>
    public void Verify(string debPath) => Guard(() => DebCache.Verify(Pin, debPath));

    /// <summary>Verifies the .deb, then writes its ./boot/vmlinuz-* to <paramref name="outputPath"/> atomically; returns its path in the package.</summary>
    public string ExtractVmlinuz(string debPath, string outputPath)
    {
        Verify(debPath);
        var member = ReadVmlinuz(File.ReadAllBytes(debPath), debPath);
        AtomicFile.Write(outputPath, member.Contents);
        return member.Name;
    }

    /// <summary>The first regular file ./boot/vmlinuz-* of the package.</summary>
    public static DebMember ReadVmlinuz(byte[] deb, string source)
    {
        DebMember? found = null;
        Guard(() => DebArchive.ForEachFile(new MemoryStream(deb, writable: false), source,
            static path => path.StartsWith("boot/vmlinuz-", StringComparison.Ordinal), (name, length, data) =>
            {
                if (length > MaxVmlinuzSize)
                    throw new KernelImageException($"{source}: {name} is {length} bytes, more than the {MaxVmlinuzSize}-byte limit");
                var contents = new byte[length];
                data.ReadExactly(contents);
                found = new DebMember(name, contents);
                return false;
            }));
        return found ?? throw new KernelImageException($"{source}: no ./boot/vmlinuz-* file in the package");
    }

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DebianPackageException e)
        {
            throw new KernelImageException(e.Message, e);
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (DebianPackageException e)
        {
            throw new KernelImageException(e.Message, e);
        }
    }
}
