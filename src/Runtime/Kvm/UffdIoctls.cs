using System.Runtime.CompilerServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>userfaultfd ioctl numbers and constants from linux/userfaultfd.h (UFFDIO = 0xAA).</summary>
public static class UffdIoctls
{
    private const uint Uffdio = 0xAA;

    public static readonly uint Api = IoctlCodes.Iowr(Uffdio, 0x3F, (uint)Unsafe.SizeOf<UffdioApi>());
    public static readonly uint Register = IoctlCodes.Iowr(Uffdio, 0x00, (uint)Unsafe.SizeOf<UffdioRegister>());
    public static readonly uint Copy = IoctlCodes.Iowr(Uffdio, 0x03, (uint)Unsafe.SizeOf<UffdioCopy>());
    /// <summary>USERFAULTFD_IOC_NEW on /dev/userfaultfd (fallback when the syscall is refused).</summary>
    public static readonly uint DeviceNew = IoctlCodes.Io(Uffdio, 0x00);

    public const ulong UffdApi = 0xAA;
    public const ulong FeatureThreadId = 1 << 8;
    public const ulong RegisterModeMissing = 1;
    public const byte EventPagefault = 0x12;
}
