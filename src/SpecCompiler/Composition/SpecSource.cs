namespace Vmspec.SpecCompiler.Composition;

/// <summary>One loaded spec file: the leaf being compiled or one of the bases it extends.</summary>
internal sealed record SpecSource(string File, YamlMapping Root);
