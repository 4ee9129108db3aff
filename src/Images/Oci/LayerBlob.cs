namespace Vmspec.Images;

/// <summary>A gzip layer blob on disk with its two digests (compressed, and the tar's diff_id).</summary>
public sealed record LayerBlob(Digest Digest, long Size, Digest DiffId, string File, bool FromCache);
