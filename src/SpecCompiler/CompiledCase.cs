namespace Vmspec.SpecCompiler;

/// <summary>One case of a spec: its plan and the plan's canonical JSON bytes and digest.</summary>
public sealed record CompiledCase(string Name, string SourceFile, VmPlan Plan, byte[] CanonicalJson, string Digest);
