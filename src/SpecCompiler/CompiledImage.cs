namespace Vmspec.SpecCompiler;

/// <summary>
/// One compiled image definition: its plan, the plan's canonical JSON bytes and digest, and the
/// compiled cases of the specs it carries (sorted by name), whose plans go into the image with the sources.
/// </summary>
public sealed record CompiledImage(string Name, string SourceFile, ImagePlan Plan, byte[] CanonicalJson, string Digest, IReadOnlyList<CompiledCase> Cases);
