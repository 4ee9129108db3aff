using System.Runtime.CompilerServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>KVM ioctl request numbers, computed as linux/kvm.h does (KVMIO = 0xAE).</summary>
public static class KvmIoctls
{
    private const uint Kvmio = 0xAE;

    public static readonly uint GetApiVersion = IoctlCodes.Io(Kvmio, 0x00);
    public static readonly uint CreateVm = IoctlCodes.Io(Kvmio, 0x01);
    public static readonly uint CheckExtension = IoctlCodes.Io(Kvmio, 0x03);
    public static readonly uint GetVcpuMmapSize = IoctlCodes.Io(Kvmio, 0x04);
    public static readonly uint GetSupportedCpuid = IoctlCodes.Iowr(Kvmio, 0x05, (uint)Unsafe.SizeOf<KvmArrayHeader>());
    public static readonly uint CreateVcpu = IoctlCodes.Io(Kvmio, 0x41);
    public static readonly uint SetUserMemoryRegion = IoctlCodes.Iow(Kvmio, 0x46, (uint)Unsafe.SizeOf<KvmUserspaceMemoryRegion>());
    public static readonly uint CreateIrqchip = IoctlCodes.Io(Kvmio, 0x60);
    public static readonly uint IrqLine = IoctlCodes.Iow(Kvmio, 0x61, (uint)Unsafe.SizeOf<KvmIrqLevel>());
    public static readonly uint CreatePit2 = IoctlCodes.Iow(Kvmio, 0x77, (uint)Unsafe.SizeOf<KvmPitConfig>());
    public static readonly uint Run = IoctlCodes.Io(Kvmio, 0x80);
    public static readonly uint GetRegs = IoctlCodes.Ior(Kvmio, 0x81, (uint)Unsafe.SizeOf<KvmRegs>());
    public static readonly uint SetRegs = IoctlCodes.Iow(Kvmio, 0x82, (uint)Unsafe.SizeOf<KvmRegs>());
    public static readonly uint GetSregs = IoctlCodes.Ior(Kvmio, 0x83, (uint)Unsafe.SizeOf<KvmSregs>());
    public static readonly uint SetSregs = IoctlCodes.Iow(Kvmio, 0x84, (uint)Unsafe.SizeOf<KvmSregs>());
    public static readonly uint GetMsrs = IoctlCodes.Iowr(Kvmio, 0x88, (uint)Unsafe.SizeOf<KvmArrayHeader>());
    public static readonly uint SetMsrs = IoctlCodes.Iow(Kvmio, 0x89, (uint)Unsafe.SizeOf<KvmArrayHeader>());
    public static readonly uint SetCpuid2 = IoctlCodes.Iow(Kvmio, 0x90, (uint)Unsafe.SizeOf<KvmArrayHeader>());
    public static readonly uint EnableCap = IoctlCodes.Iow(Kvmio, 0xa3, (uint)Unsafe.SizeOf<KvmEnableCap>());
}
