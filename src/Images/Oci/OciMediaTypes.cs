namespace Vmspec.Images;

internal static class OciMediaTypes
{
    public const string Index = "application/vnd.oci.image.index.v1+json";
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    public const string LayoutFile = "oci-layout";
    public const string IndexFile = "index.json";

    /// <summary>Docker's own archive manifest: docker.io 20.10 (Debian 12) loads only this, not the OCI index.</summary>
    public const string DockerManifestFile = "manifest.json";

    public const string AnnotationCreated = "org.opencontainers.image.created";
    public const string AnnotationRevision = "org.opencontainers.image.revision";
    public const string AnnotationSource = "org.opencontainers.image.source";
    public const string AnnotationRefName = "org.opencontainers.image.ref.name";

    /// <summary>The name Docker >= 25 and containerd give an image loaded from an OCI layout.</summary>
    public const string AnnotationContainerdName = "io.containerd.image.name";
}
