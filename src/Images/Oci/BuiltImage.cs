namespace Vmspec.Images;

/// <summary>What <see cref="OciImageLayout.Build"/> wrote.</summary>
public sealed record BuiltImage(
    string ArchivePath,
    string Reference,
    Digest ManifestDigest,
    Digest ConfigDigest,
    IReadOnlyList<LayerBlob> Layers);
