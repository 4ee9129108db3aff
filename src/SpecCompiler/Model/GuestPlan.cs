namespace Vmspec.SpecCompiler.Model;

/// <summary>What runs in the VM: a generated test guest or a Linux kernel.</summary>
public abstract record GuestPlan;

public enum TestProgram { Minimal, MsrProtocol, AsyncPf }

public sealed record TestGuestPlan(TestProgram Program, IReadOnlyList<MsrAccess> Accesses) : GuestPlan;

public enum MsrOp { Write, Read }

/// <summary>Oracle: the runtime's protocol oracle decides whether the access must #GP.</summary>
public enum AccessExpectation { Oracle, Accept, Gp }

/// <summary>One MSR access with its value resolved (writes always carry one; reads never do).</summary>
public sealed record MsrAccess(uint Msr, MsrOp Op, ulong? Value, AccessExpectation Expect, ulong? ReadBack);

public sealed record LinuxGuestPlan(KernelSource Kernel, FileReference? Initramfs, string Cmdline) : GuestPlan;

public abstract record KernelSource;

public sealed record DebianKernel(string Package, string Version, string Sha256) : KernelSource;

/// <summary>A file by path relative to the directory of the spec being compiled, with forward slashes.</summary>
public sealed record FileReference(string Path, string Sha256) : KernelSource;
