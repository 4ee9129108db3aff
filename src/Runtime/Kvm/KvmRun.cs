using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>The fixed header of struct kvm_run (linux/kvm.h) up to and including the exit union.</summary>
[StructLayout(LayoutKind.Explicit, Size = 288)]
public struct KvmRunHeader
{
    [FieldOffset(0)] public byte RequestInterruptWindow;
    /// <summary>When 1, KVM_RUN returns -EINTR at once: the watchdog's way to stop a vCPU.</summary>
    [FieldOffset(1)] public byte ImmediateExit;
    [FieldOffset(8)] public uint ExitReason;
    [FieldOffset(12)] public byte ReadyForInterruptInjection;
    [FieldOffset(13)] public byte IfFlag;
    [FieldOffset(14)] public ushort Flags;
    [FieldOffset(16)] public ulong Cr8;
    [FieldOffset(24)] public ulong ApicBase;
    [FieldOffset(32)] public KvmRunIo Io;
    [FieldOffset(32)] public KvmRunMmio Mmio;
    [FieldOffset(32)] public KvmRunFailEntry FailEntry;
    [FieldOffset(32)] public KvmRunInternal Internal;
    [FieldOffset(32)] public KvmRunHw Hw;
}

/// <summary>kvm_run.hw (KVM_EXIT_UNKNOWN).</summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public struct KvmRunHw
{
    public ulong HardwareExitReason;
}

/// <summary>kvm_run.io (KVM_EXIT_IO); the data lives at kvm_run + DataOffset.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct KvmRunIo
{
    public const byte DirectionIn = 0, DirectionOut = 1;
    public byte Direction;
    public byte Size;
    public ushort Port;
    public uint Count;
    public ulong DataOffset;
}

/// <summary>kvm_run.mmio (KVM_EXIT_MMIO).</summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
public unsafe struct KvmRunMmio
{
    public ulong PhysAddr;
    public fixed byte Data[8];
    public uint Len;
    public byte IsWrite;
}

/// <summary>kvm_run.fail_entry (KVM_EXIT_FAIL_ENTRY).</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct KvmRunFailEntry
{
    public ulong HardwareEntryFailureReason;
    public uint Cpu;
}

/// <summary>kvm_run.internal (KVM_EXIT_INTERNAL_ERROR).</summary>
[StructLayout(LayoutKind.Sequential, Size = 136)]
public unsafe struct KvmRunInternal
{
    public uint Suberror;
    public uint Ndata;
    public fixed ulong Data[16];

    /// <summary>The first ndata (at most 16) words of data[].</summary>
    public ulong[] DataWords()
    {
        var words = new ulong[Math.Min(Ndata, 16u)];
        for (int i = 0; i < words.Length; i++) words[i] = Data[i];
        return words;
    }
}
