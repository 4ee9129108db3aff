namespace Vmspec.Runtime.X86;

/// <summary>CR0 bits.</summary>
public static class Cr0
{
    public const ulong Pe = 1UL << 0, Mp = 1UL << 1, Et = 1UL << 4, Ne = 1UL << 5, Wp = 1UL << 16, Am = 1UL << 18, Pg = 1UL << 31;
    /// <summary>Protected mode with paging, as the prototype (0x80050033).</summary>
    public const ulong LongMode = Pg | Am | Wp | Ne | Et | Mp | Pe;
}

/// <summary>CR4 bits.</summary>
public static class Cr4
{
    public const ulong Pae = 1UL << 5;
}

/// <summary>IA32_EFER bits.</summary>
public static class Efer
{
    public const ulong Sce = 1UL << 0, Lme = 1UL << 8, Lma = 1UL << 10, Nxe = 1UL << 11;
}

/// <summary>RFLAGS bits.</summary>
public static class Rflags
{
    public const ulong Reserved1 = 1UL << 1, If = 1UL << 9;
    public const ulong Iopl3 = 3UL << 12;
}
