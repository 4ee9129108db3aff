using Vmspec.SpecCompiler.Model;

namespace Vmspec.Images;

/// <summary>
/// The files of a lab image's host kernels, as the lab's kernel folder lays them out. The build provides it from the lab's
/// own kernel preparation: Images knows layers, not how kernels are unpacked or which modules the lab loads.
/// </summary>
public interface ILabKernelFiles
{
    /// <summary>A string that changes whenever <see cref="Files"/> would: the package's pin and the rules that pick the files.</summary>
    string InputKey(ImageLabHost host);

    /// <summary>The kernel's files: (path in its folder, '/'-separated; the file here), and that folder's name.</summary>
    (string Folder, IReadOnlyList<(string Path, string Source)> Files) Files(ImageLabHost host);
}
