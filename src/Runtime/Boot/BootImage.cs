namespace Vmspec.Runtime.Boot;

/// <summary>Bytes the loader puts at a guest-physical address.</summary>
public sealed record BootMemoryWrite(ulong Address, ReadOnlyMemory<byte> Data)
{
    public ulong End => Address + (ulong)Data.Length;
}

/// <summary>Where a loader put things (for logs, tests and error messages).</summary>
public sealed record BootPlacement(
    ulong KernelAddress,
    ulong KernelEnd,
    ulong Entry,
    ulong BootInfo,
    ulong CommandLine,
    ulong InitramfsAddress,
    ulong InitramfsSize);

/// <summary>
/// A loaded guest ready to start: RAM size, memory contents and the initial vCPU state. <see cref="Building.VmBuilder"/>
/// loads it in place of a <see cref="Guests.GuestProgram"/>.
/// </summary>
public sealed record BootImage(
    ulong RamSize,
    IReadOnlyList<BootMemoryWrite> Writes,
    KvmRegs Regs,
    BootCpuState Cpu,
    BootPlacement Placement);
