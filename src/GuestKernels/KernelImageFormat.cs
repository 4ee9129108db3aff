namespace Vmspec.GuestKernels;

/// <summary>What <see cref="KernelImage.Open"/> found at the path, detected by magic bytes.</summary>
public enum KernelImageFormat
{
    /// <summary>An x86 boot-protocol image (vmlinuz) with a compressed ELF payload.</summary>
    BzImage,
    /// <summary>An uncompressed ELF vmlinux.</summary>
    Elf,
    /// <summary>A bare BTF blob, e.g. /sys/kernel/btf/vmlinux.</summary>
    RawBtf,
}

public static class KernelImageFormatNames
{
    public static string Name(this KernelImageFormat format) => format switch
    {
        KernelImageFormat.BzImage => "bzImage",
        KernelImageFormat.Elf => "elf",
        KernelImageFormat.RawBtf => "btf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
