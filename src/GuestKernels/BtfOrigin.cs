namespace Vmspec.GuestKernels;

/// <summary>Where <see cref="KernelImage.Btf"/> was read from.</summary>
public enum BtfOrigin
{
    /// <summary>No BTF: see <see cref="KernelImage.MissingBtfReason"/>.</summary>
    None,
    /// <summary>The file is the BTF blob itself.</summary>
    RawFile,
    /// <summary>The vmlinux's .BTF section, located through its ELF section headers.</summary>
    ElfSection,
    /// <summary>Found by its header while the bzImage payload was being decompressed, which then stopped early.</summary>
    PayloadScan,
}
