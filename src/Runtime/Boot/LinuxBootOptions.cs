using Vmspec.GuestKernels.Boot;

namespace Vmspec.Runtime.Boot;

/// <summary>What to boot a kernel with: its command line, an optional initramfs and the memory map.</summary>
public sealed record LinuxBootOptions
{
    public string CommandLine { get; init; } = "";
    /// <summary>The initramfs (newc cpio, possibly compressed); empty for none.</summary>
    public ReadOnlyMemory<byte> Initramfs { get; init; }
    public LinuxBootLayout Layout { get; init; } = LinuxBootLayout.Default;
}
