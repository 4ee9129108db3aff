namespace Vmspec.Abi.X86;

/// <summary>The four output registers of CPUID.</summary>
public enum CpuidRegister { Eax, Ebx, Ecx, Edx }
