namespace Vmspec.GuestKernels.Boot;

/// <summary>Setup header <c>loadflags</c> (offset 0x211), Documentation/arch/x86/boot.rst.</summary>
[Flags]
public enum LoadFlags : byte
{
    None = 0,
    LoadedHigh = 0x01,
    KaslrFlag = 0x02,
    QuietFlag = 0x20,
    KeepSegments = 0x40,
    CanUseHeap = 0x80,
}

/// <summary>Setup header <c>xloadflags</c> (offset 0x236, protocol 2.12+).</summary>
[Flags]
public enum XLoadFlags : ushort
{
    None = 0,
    Kernel64 = 0x01,
    CanBeLoadedAbove4G = 0x02,
    EfiHandover32 = 0x04,
    EfiHandover64 = 0x08,
    EfiKexec = 0x10,
    FiveLevel = 0x20,
    FiveLevelEnabled = 0x40,
}
