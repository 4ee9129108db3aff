using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Lab;
using Vmspec.Images;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Running;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Build.Tools;

/// <summary>
/// A lab image's host kernels, from the lab's own preparation: each pinned package is fetched, verified and unpacked into
/// the lab's kernel folder (as `vmspec fetch` does), and the image carries the files the lab boots and loads from there.
/// </summary>
internal sealed class LabKernelFiles(Action<string> progress) : ILabKernelFiles
{
    /// <summary>Bump when <see cref="DebianLabKernels.CarriedFiles"/> picks other files, so cached layers are rebuilt.</summary>
    private const int RulesVersion = 1;

    public string InputKey(ImageLabHost host) =>
        $"{host.Package}={host.Version} sha256 {host.Sha256}; carried files v{RulesVersion}; modules "
        + string.Join(' ', [.. LabRunner.BaseModules, .. LabRunner.KvmVendorModules]);

    public (string Folder, IReadOnlyList<(string Path, string Source)> Files) Files(ImageLabHost host)
    {
        try
        {
            // The layer is built synchronously inside the OCI writer; nothing here has a synchronization context.
            var kernel = DebianLabKernels.PrepareAsync(host.Name, new DebianKernelPackage(host.Package, host.Version, host.Sha256),
                progress: message => progress($"{host.Name}: {message}")).GetAwaiter().GetResult();
            return (LabKernelDirectory.FolderName(host.Package, host.Version), DebianLabKernels.CarriedFiles(kernel));
        }
        catch (Exception e) when (e is LabException or KernelImageException or IOException)
        {
            throw new ImageBuildException($"host kernel {host.Name} ({host.File}): {e.Message}", e);
        }
    }
}
