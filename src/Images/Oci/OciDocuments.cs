namespace Vmspec.Images;

/// <summary>A content descriptor: what a manifest or index says about a blob.</summary>
internal sealed record OciDescriptor(string MediaType, Digest Digest, long Size, IReadOnlyDictionary<string, string>? Annotations = null);

internal sealed record OciManifest(OciDescriptor Config, IReadOnlyList<OciDescriptor> Layers, IReadOnlyDictionary<string, string> Annotations);

internal sealed record OciIndex(IReadOnlyList<OciDescriptor> Manifests);

internal sealed record DockerManifestEntry(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers);

internal sealed record OciHistoryEntry(string Created, string CreatedBy);
