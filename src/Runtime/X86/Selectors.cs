namespace Vmspec.Runtime.X86;

/// <summary>GDT selectors of the vmspec GDT (the order of <see cref="Gdt.Build"/>).</summary>
public static class Selectors
{
    public const ushort KernelCode = 0x08;
    public const ushort KernelData = 0x10;
    public const ushort UserData = 0x18 | 3;
    public const ushort UserCode = 0x20 | 3;
    public const ushort Tss = 0x28;
}
