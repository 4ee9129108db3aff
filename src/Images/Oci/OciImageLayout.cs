using Vmspec.Shared.Io;

namespace Vmspec.Images;

/// <summary>
/// Builds NAME.oci.tar: an OCI image layout (oci-layout, index.json, blobs/sha256/*) that also
/// carries Docker's manifest.json, so both OCI tools and `docker load` (docker.io 20.10 reads only
/// manifest.json; Docker >= 25 reads index.json) accept the same file. Same definition -> same bytes.
/// </summary>
public static class OciImageLayout
{
    public const string ArchiveExtension = ".oci.tar";

    /// <summary>
    /// Writes <c>{outputDirectory}/{Name}.oci.tar</c> (through a temp file and a rename). Layer blobs
    /// come from <paramref name="cache"/> when their inputs are unchanged; without a cache a
    /// temporary one is used and removed. <paramref name="layerDone"/> hears of each layer as it is ready.
    /// </summary>
    public static BuiltImage Build(ImageDefinition definition, string outputDirectory, LayerCache? cache = null, Action<int, ImageLayer, LayerBlob>? layerDone = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ImageNames.Validate(definition);
        var temporaryCache = cache is null ? Directory.CreateTempSubdirectory("vmspec-layers-").FullName : null;
        try
        {
            return BuildWith(definition, outputDirectory, cache ?? new LayerCache(temporaryCache!), layerDone);
        }
        finally
        {
            if (temporaryCache is not null)
            {
                Directory.Delete(temporaryCache, recursive: true);
            }
        }
    }

    private static BuiltImage BuildWith(ImageDefinition definition, string outputDirectory, LayerCache cache, Action<int, ImageLayer, LayerBlob>? layerDone)
    {
        var created = SourceDateEpoch.ToRfc3339(definition.SourceDateEpoch);
        var layers = new List<LayerBlob>();
        foreach (var layer in definition.Layers)
        {
            layers.Add(cache.GetOrAdd(layer, definition.SourceDateEpoch));
            layerDone?.Invoke(layers.Count - 1, layer, layers[^1]);
        }

        var config = OciJsonWriter.Config(
            definition.Config,
            created,
            layers.Select(static l => l.DiffId).ToList(),
            definition.Layers.Select(l => new OciHistoryEntry(created, l.CreatedBy)).ToList());
        var configDigest = Digest.Of(config);

        var manifest = OciJsonWriter.Manifest(new OciManifest(
            new OciDescriptor(OciMediaTypes.Config, configDigest, config.Length),
            layers.Select(static l => new OciDescriptor(OciMediaTypes.LayerGzip, l.Digest, l.Size)).ToList(),
            Annotations(definition.Annotations, created)));
        var manifestDigest = Digest.Of(manifest);

        var index = OciJsonWriter.Index(new OciIndex([
            new OciDescriptor(OciMediaTypes.Manifest, manifestDigest, manifest.Length, RefAnnotations(definition)),
        ]));
        var dockerManifest = OciJsonWriter.DockerManifest([
            new DockerManifestEntry(configDigest.BlobPath, [definition.Reference], layers.Select(static l => l.Digest.BlobPath).ToList()),
        ]);

        var entries = new List<LayerEntry>
        {
            LayerEntry.File(OciMediaTypes.LayoutFile, OciJsonWriter.LayoutFile()),
            LayerEntry.File(OciMediaTypes.IndexFile, index),
            LayerEntry.File(OciMediaTypes.DockerManifestFile, dockerManifest),
            LayerEntry.File(configDigest.BlobPath, config),
            LayerEntry.File(manifestDigest.BlobPath, manifest),
        };

        // An image may repeat a layer; its blob is stored once.
        foreach (var layer in layers.DistinctBy(static l => l.Digest))
        {
            entries.Add(LayerEntry.FromSourceFile(layer.Digest.BlobPath, layer.File, executable: false));
        }

        var archivePath = Path.Combine(Path.GetFullPath(outputDirectory), definition.Name.Replace('/', '_') + ArchiveExtension);
        AtomicFile.Write(archivePath, stream => DeterministicTarWriter.Write(stream, entries, definition.SourceDateEpoch));
        return new BuiltImage(archivePath, definition.Reference, manifestDigest, configDigest, layers);
    }

    /// <summary>Descriptor annotations that name the image for Docker >= 25 / containerd and OCI tools.</summary>
    internal static Dictionary<string, string> RefAnnotations(ImageDefinition definition) => new(StringComparer.Ordinal)
    {
        [OciMediaTypes.AnnotationContainerdName] = definition.Reference,
        [OciMediaTypes.AnnotationRefName] = definition.Tag,
    };

    private static Dictionary<string, string> Annotations(ImageAnnotations annotations, string created)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { [OciMediaTypes.AnnotationCreated] = created };
        foreach (var (key, value) in annotations.Custom ?? new Dictionary<string, string>())
        {
            if (key is OciMediaTypes.AnnotationCreated or OciMediaTypes.AnnotationRevision or OciMediaTypes.AnnotationSource)
            {
                throw new ImageBuildException($"annotation '{key}' is set by the image builder; remove it from the image's annotations");
            }

            map[key] = value;
        }

        if (annotations.Revision is not null)
        {
            map[OciMediaTypes.AnnotationRevision] = annotations.Revision;
        }

        if (annotations.Source is not null)
        {
            map[OciMediaTypes.AnnotationSource] = annotations.Source;
        }

        return map;
    }
}
