namespace Vmspec.Images;

/// <summary>An archive that passed <see cref="OciImageVerifier.Verify"/>.</summary>
public sealed record VerifiedImage(
    string ArchivePath,
    string Reference,
    Digest ManifestDigest,
    Digest ConfigDigest,
    IReadOnlyList<VerifiedLayer> Layers);

public sealed record VerifiedLayer(int Index, Digest Digest, long Size, Digest DiffId);
