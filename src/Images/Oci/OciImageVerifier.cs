namespace Vmspec.Images;

/// <summary>
/// Checks an NAME.oci.tar before anything trusts it: every blob re-hashed against its name, every
/// reference (index -> manifest -> config/layers, Docker manifest.json) resolved with matching
/// digest, size and media type, each layer's uncompressed tar against config rootfs.diff_ids, and
/// the unhashed documents (oci-layout, index.json, manifest.json) byte-equal to their canonical
/// form and consistent with each other. The first failure throws, naming the blob and its role.
/// </summary>
public static class OciImageVerifier
{
    public static VerifiedImage Verify(string archivePath)
    {
        var archive = OciArchive.Scan(archivePath);
        return Verify(archive);
    }

    internal static VerifiedImage Verify(OciArchive archive)
    {
        var file = archive.Path;
        ExpectCanonical(archive, OciMediaTypes.LayoutFile, OciJsonWriter.LayoutFile(), file);

        var indexBytes = Document(archive, OciMediaTypes.IndexFile);
        var index = OciJsonReader.Index(indexBytes, $"{file}: {OciMediaTypes.IndexFile}");
        ExpectCanonical(archive, OciMediaTypes.IndexFile, OciJsonWriter.Index(index), file);
        if (index.Manifests.Count != 1 || index.Manifests[0].MediaType != OciMediaTypes.Manifest)
        {
            throw new ImageVerificationException($"{file}: {OciMediaTypes.IndexFile} must list exactly one image manifest");
        }

        var manifestDescriptor = index.Manifests[0];
        var reference = ReferenceOf(manifestDescriptor, file);
        var manifest = OciJsonReader.Manifest(CheckedBlob(archive, manifestDescriptor, "manifest"), $"{file}: manifest {manifestDescriptor.Digest}");
        if (manifest.Config.MediaType != OciMediaTypes.Config)
        {
            throw new ImageVerificationException($"{file}: manifest config has media type '{manifest.Config.MediaType}', expected '{OciMediaTypes.Config}'");
        }

        var configBytes = CheckedBlob(archive, manifest.Config, "config");
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            if (manifest.Layers[i].MediaType != OciMediaTypes.LayerGzip)
            {
                throw new ImageVerificationException($"{file}: layer {i} has media type '{manifest.Layers[i].MediaType}', expected '{OciMediaTypes.LayerGzip}'");
            }

            CheckedBlob(archive, manifest.Layers[i], $"layer {i}");
        }

        if (archive.Blobs.Values.FirstOrDefault(static b => b.Actual != b.Claimed) is { } corrupt)
        {
            throw new ImageVerificationException($"{file}: unreferenced blob {corrupt.Claimed} is corrupt: its content hashes to {corrupt.Actual}");
        }

        var diffIds = OciJsonReader.DiffIds(configBytes, $"{file}: config {manifest.Config.Digest}");
        if (diffIds.Count != manifest.Layers.Count)
        {
            throw new ImageVerificationException($"{file}: config lists {diffIds.Count} diff_ids but the manifest has {manifest.Layers.Count} layers");
        }

        CheckDiffIds(archive, manifest.Layers, diffIds);
        CheckDockerManifest(archive, manifest, reference);
        var layers = manifest.Layers.Select((l, i) => new VerifiedLayer(i, l.Digest, l.Size, diffIds[i])).ToList();
        return new VerifiedImage(file, reference, manifestDescriptor.Digest, manifest.Config.Digest, layers);
    }

    /// <summary>Finds the blob a descriptor names and checks its bytes and size; returns small blobs' content.</summary>
    private static byte[] CheckedBlob(OciArchive archive, OciDescriptor descriptor, string role)
    {
        if (!archive.Blobs.TryGetValue(descriptor.Digest, out var blob))
        {
            throw new ImageVerificationException($"{archive.Path}: {role} blob {descriptor.Digest} is missing");
        }

        if (blob.Actual != descriptor.Digest)
        {
            throw new ImageVerificationException($"{archive.Path}: {role} blob {descriptor.Digest} is corrupt: its content hashes to {blob.Actual}");
        }

        if (blob.Size != descriptor.Size)
        {
            throw new ImageVerificationException($"{archive.Path}: {role} blob {descriptor.Digest} is {blob.Size} bytes, its descriptor says {descriptor.Size}");
        }

        return blob.Content ?? [];
    }

    private static void CheckDiffIds(OciArchive archive, IReadOnlyList<OciDescriptor> layers, IReadOnlyList<Digest> diffIds)
    {
        var uncompressed = new Dictionary<Digest, Digest>();
        var failures = new Dictionary<Digest, string>();
        archive.VisitBlobs(layers.Select(static l => l.Digest).ToHashSet(), (digest, content) =>
        {
            try
            {
                uncompressed[digest] = LayerCompressor.DecompressedDigest(content);
            }
            catch (InvalidDataException e)
            {
                failures[digest] = e.Message;
            }
        });

        for (var i = 0; i < layers.Count; i++)
        {
            var digest = layers[i].Digest;
            if (failures.TryGetValue(digest, out var failure))
            {
                throw new ImageVerificationException($"{archive.Path}: layer {i} blob {digest} is not valid gzip: {failure}");
            }

            if (uncompressed[digest] != diffIds[i])
            {
                throw new ImageVerificationException($"{archive.Path}: layer {i} blob {digest} decompresses to {uncompressed[digest]}, but config rootfs.diff_ids[{i}] is {diffIds[i]}");
            }
        }
    }

    private static void CheckDockerManifest(OciArchive archive, OciManifest manifest, string reference)
    {
        var expected = OciJsonWriter.DockerManifest([
            new DockerManifestEntry(manifest.Config.Digest.BlobPath, [reference], manifest.Layers.Select(static l => l.Digest.BlobPath).ToList()),
        ]);
        var actual = Document(archive, OciMediaTypes.DockerManifestFile);
        var entries = OciJsonReader.DockerManifest(actual, $"{archive.Path}: {OciMediaTypes.DockerManifestFile}");
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            var what = entries.Count == 1 && entries[0].Config != manifest.Config.Digest.BlobPath ? "its Config path"
                : entries.Count == 1 && !entries[0].Layers.SequenceEqual(manifest.Layers.Select(static l => l.Digest.BlobPath)) ? "its Layers paths"
                : "its RepoTags or form";
            throw new ImageVerificationException($"{archive.Path}: {OciMediaTypes.DockerManifestFile} does not match the OCI manifest ({what} differ)");
        }
    }

    private static string ReferenceOf(OciDescriptor manifestDescriptor, string file)
    {
        var annotations = manifestDescriptor.Annotations ?? new Dictionary<string, string>();
        if (!annotations.TryGetValue(OciMediaTypes.AnnotationContainerdName, out var reference)
            || !annotations.TryGetValue(OciMediaTypes.AnnotationRefName, out var tag)
            || !reference.EndsWith(":" + tag, StringComparison.Ordinal))
        {
            throw new ImageVerificationException($"{file}: {OciMediaTypes.IndexFile} manifest annotations '{OciMediaTypes.AnnotationContainerdName}' and '{OciMediaTypes.AnnotationRefName}' are missing or disagree");
        }

        return reference;
    }

    private static byte[] Document(OciArchive archive, string name) =>
        archive.Documents.TryGetValue(name, out var bytes)
            ? bytes
            : throw new ImageVerificationException($"{archive.Path}: '{name}' is missing");

    /// <summary>Unhashed documents are trusted only in exactly the form we write.</summary>
    private static void ExpectCanonical(OciArchive archive, string name, byte[] canonical, string file)
    {
        if (!Document(archive, name).AsSpan().SequenceEqual(canonical))
        {
            throw new ImageVerificationException($"{file}: '{name}' is not in canonical form (was it edited?)");
        }
    }
}
