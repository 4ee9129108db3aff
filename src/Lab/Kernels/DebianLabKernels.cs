using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Modules;
using Vmspec.Shared.Debian;

namespace Vmspec.Lab.Kernels;

/// <summary>
/// Host kernels from Debian linux-image packages: the .deb is fetched and verified like the guest kernels, then its
/// vmlinuz and modules are unpacked once into a cache folder beside it (written to a temp folder, then renamed).
/// </summary>
public static class DebianLabKernels
{
    private const string ReadyMarker = ".complete", PvhVmlinuxFile = "vmlinux-pvh";

    public static async Task<LabKernel> PrepareAsync(string name, DebianKernelPackage package, string? cacheDirectory = null,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        string debs = cacheDirectory ?? DebCache.DefaultDirectory;
        string unpacked = Path.Combine(debs, "lab", $"{package.Name}_{package.Version.Replace(':', '%')}");
        if (!File.Exists(Path.Combine(unpacked, ReadyMarker)))
        {
            if (package.FindCached(debs) is null)
                progress?.Invoke($"fetching {package.Name}={package.Version}");
            string deb;
            try
            {
                deb = await package.FetchAsync(debs, cancellationToken).ConfigureAwait(false);
            }
            catch (KernelImageException e)
            {
                throw new LabException($"host kernel {name}: {e.Message}", e);
            }
            progress?.Invoke($"unpacking {Path.GetFileName(deb)}");
            Unpack(deb, unpacked);
        }
        return Open(name, unpacked);
    }

    /// <summary>Unpacks boot/vmlinuz-* and lib/modules/** (modules and modules.builtin) of a verified .deb.</summary>
    internal static void Unpack(string deb, string destination)
    {
        string staging = $"{destination}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            using (var package = File.OpenRead(deb))
            {
                DebArchive.ForEachFile(package, deb, IsWanted, (path, _, data) =>
                {
                    string target = Path.Combine(staging, path.StartsWith("boot/", StringComparison.Ordinal) ? "vmlinuz" : path);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    using var file = File.Create(target);
                    data.CopyTo(file);
                    return true;
                });
            }
            if (!File.Exists(Path.Combine(staging, "vmlinuz")))
                throw new LabException($"{deb}: no boot/vmlinuz-* in the package: not a linux-image package");
            string vmlinuz = Path.Combine(staging, "vmlinuz");
            if (PvhVmlinux.Extract(File.ReadAllBytes(vmlinuz), vmlinuz) is { } vmlinux)
                File.WriteAllBytes(Path.Combine(staging, PvhVmlinuxFile), vmlinux);
            if (!Directory.Exists(Path.Combine(staging, "lib", "modules")))
                throw new LabException($"{deb}: no lib/modules/ in the package: a host kernel needs its kvm modules");
            File.WriteAllText(Path.Combine(staging, ReadyMarker), "");
            if (Directory.Exists(destination))
                Directory.Delete(destination, recursive: true);
            Directory.Move(staging, destination);
        }
        catch (Exception e) when (e is KernelImageException or DebianPackageException)
        {
            throw new LabException(e.Message, e);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static LabKernel Open(string name, string unpacked)
    {
        string[] releases = Directory.GetDirectories(Path.Combine(unpacked, "lib", "modules"));
        if (releases.Length != 1)
            throw new LabException($"{unpacked}: expected one lib/modules/RELEASE folder, found {releases.Length}");
        string vmlinux = Path.Combine(unpacked, PvhVmlinuxFile);
        return new LabKernel(name, Path.Combine(unpacked, "vmlinuz"), releases[0]) { PvhVmlinuxPath = File.Exists(vmlinux) ? vmlinux : null }.Validate();
    }

    private static bool IsWanted(string path) =>
        path.StartsWith("boot/vmlinuz-", StringComparison.Ordinal)
        || (path.StartsWith("lib/modules/", StringComparison.Ordinal)
            && (KernelModuleFileNames.IsModule(path) || path.EndsWith("/modules.builtin", StringComparison.Ordinal)));
}
