namespace Vmspec.Lab.Kernels;

/// <summary>
/// A host kernel the lab boots: its bzImage and its modules folder (lib/modules/RELEASE, holding kernel/**.ko[.xz|.zst|.gz]
/// and modules.builtin), as a Debian package unpacks them or a kernel developer's `make modules_install` leaves them.
/// </summary>
public sealed record LabKernel(string Name, string BzImagePath, string ModulesDirectory)
{
    /// <summary>The bzImage's uncompressed vmlinux with a PVH entry, when prepared: QEMU boots it faster.</summary>
    public string? PvhVmlinuxPath { get; init; }

    /// <summary>What QEMU's -kernel gets.</summary>
    public string BootImagePath => PvhVmlinuxPath ?? BzImagePath;

    /// <summary>The kernel release, the name of the modules folder (e.g. 6.12.117+deb12-amd64).</summary>
    public string Release => Path.GetFileName(Path.TrimEndingDirectorySeparator(ModulesDirectory));

    /// <summary>Throws unless the boot image and the modules folder exist (a kernel carried with its PVH vmlinux only needs no bzImage).</summary>
    public LabKernel Validate()
    {
        if (!File.Exists(BootImagePath))
            throw new LabException($"host kernel {Name}: {(PvhVmlinuxPath is null ? "bzImage" : "PVH vmlinux")} {BootImagePath} does not exist");
        if (!Directory.Exists(ModulesDirectory))
            throw new LabException($"host kernel {Name}: modules folder {ModulesDirectory} does not exist");
        return this;
    }
}
