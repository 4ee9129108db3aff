using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Modules;
using Vmspec.Lab.Running;
using Vmspec.Shared.Debian;

namespace Vmspec.Lab.Kernels;

/// <summary>
/// Host kernels from Debian linux-image packages: the .deb is fetched and verified like the guest kernels, then its
/// vmlinuz and modules are unpacked once into a folder of <see cref="LabKernelDirectory"/> (written to a temp folder, then
/// renamed). A folder that is there and complete is used as it is: the lab image carries its kernels so, without the .debs.
/// </summary>
public static class DebianLabKernels
{
    internal const string ReadyMarker = ".complete", PvhVmlinuxFile = "vmlinux-pvh", BzImageFile = "vmlinuz";

    /// <param name="kernelsDirectory">where unpacked kernels are kept (default <see cref="LabKernelDirectory.Current"/>)</param>
    /// <param name="cacheDirectory">where the .deb is fetched to (default <see cref="DebCache.DefaultDirectory"/>)</param>
    public static async Task<LabKernel> PrepareAsync(string name, DebianKernelPackage package, string? kernelsDirectory = null,
        string? cacheDirectory = null, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        string debs = cacheDirectory ?? DebCache.DefaultDirectory;
        string unpacked = Path.Combine(kernelsDirectory ?? LabKernelDirectory.Current, LabKernelDirectory.FolderName(package.Name, package.Version));
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

    /// <summary>
    /// What a copy of <paramref name="kernel"/>'s folder needs for the lab to boot it, as (path in the folder, file here):
    /// the completion marker, the boot image (the PVH vmlinux alone when there is one), modules.builtin and the closure of the
    /// modules the lab loads under either accelerator. The lab image carries its kernels so.
    /// </summary>
    public static IReadOnlyList<(string Path, string Source)> CarriedFiles(LabKernel kernel)
    {
        string modules = Path.TrimEndingDirectorySeparator(kernel.ModulesDirectory);
        string folder = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(modules)!)!)!;
        if (!File.Exists(Path.Combine(folder, ReadyMarker)))
            throw new LabException($"host kernel {kernel.Name}: {folder} is not a complete unpacked kernel folder");
        var files = new List<(string, string)> { (ReadyMarker, Path.Combine(folder, ReadyMarker)) };
        files.Add((Path.GetRelativePath(folder, kernel.BootImagePath), kernel.BootImagePath));
        string builtin = Path.Combine(modules, "modules.builtin");
        if (File.Exists(builtin))
            files.Add((Path.GetRelativePath(folder, builtin), builtin));
        foreach (var module in ModuleClosure.Resolve(modules, [.. LabRunner.BaseModules, .. LabRunner.KvmVendorModules]))
            files.Add((Path.GetRelativePath(folder, module.Path), module.Path));
        return files.Select(f => (f.Item1.Replace('\\', '/'), f.Item2)).OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static LabKernel Open(string name, string unpacked)
    {
        string[] releases = Directory.GetDirectories(Path.Combine(unpacked, "lib", "modules"));
        if (releases.Length != 1)
            throw new LabException($"{unpacked}: expected one lib/modules/RELEASE folder, found {releases.Length}");
        string vmlinux = Path.Combine(unpacked, PvhVmlinuxFile);
        return new LabKernel(name, Path.Combine(unpacked, BzImageFile), releases[0]) { PvhVmlinuxPath = File.Exists(vmlinux) ? vmlinux : null }.Validate();
    }

    private static bool IsWanted(string path) =>
        path.StartsWith("boot/vmlinuz-", StringComparison.Ordinal)
        || (path.StartsWith("lib/modules/", StringComparison.Ordinal)
            && (KernelModuleFileNames.IsModule(path) || path.EndsWith("/modules.builtin", StringComparison.Ordinal)));
}
