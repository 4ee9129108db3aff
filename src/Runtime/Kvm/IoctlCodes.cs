namespace Vmspec.Runtime.Kvm;

/// <summary>The Linux asm-generic _IOC encoding (x86_64): dir:2 | size:14 | type:8 | nr:8.</summary>
public static class IoctlCodes
{
    private const uint DirNone = 0, DirWrite = 1, DirRead = 2;

    private static uint Encode(uint dir, uint type, uint nr, uint size) =>
        (dir << 30) | (size << 16) | (type << 8) | nr;

    public static uint Io(uint type, uint nr) => Encode(DirNone, type, nr, 0);
    public static uint Ior(uint type, uint nr, uint size) => Encode(DirRead, type, nr, size);
    public static uint Iow(uint type, uint nr, uint size) => Encode(DirWrite, type, nr, size);
    public static uint Iowr(uint type, uint nr, uint size) => Encode(DirRead | DirWrite, type, nr, size);
}
