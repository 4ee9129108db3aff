using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct uffdio_api (linux/userfaultfd.h).</summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
public struct UffdioApi
{
    public ulong Api;
    public ulong Features;
    public ulong Ioctls;
}

/// <summary>struct uffdio_range.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct UffdioRange
{
    public ulong Start;
    public ulong Len;
}

/// <summary>struct uffdio_register.</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public struct UffdioRegister
{
    public UffdioRange Range;
    public ulong Mode;
    public ulong Ioctls;
}

/// <summary>struct uffdio_copy.</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
public struct UffdioCopy
{
    public ulong Dst;
    public ulong Src;
    public ulong Len;
    public ulong Mode;
    public long Copy;
}

/// <summary>struct uffd_msg with the pagefault member of its union (the only event vmspec asks for).</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public struct UffdMsg
{
    [FieldOffset(0)] public byte Event;
    [FieldOffset(8)] public ulong PagefaultFlags;
    [FieldOffset(16)] public ulong PagefaultAddress;
    [FieldOffset(24)] public uint PagefaultPtid;
}
