using System.Formats.Tar;
using System.Text;
using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Oci;

public sealed class OciImageLayoutTests
{
    [Fact]
    public void Two_builds_give_identical_archives()
    {
        using var temp = new TempDirectory();
        var first = OciImageLayout.Build(SampleImages.Define(), temp.Combine("one"));
        var second = OciImageLayout.Build(SampleImages.Define(), temp.Combine("two"));

        Assert.EndsWith("vmspec-sample.oci.tar", first.ArchivePath);
        Assert.Equal(File.ReadAllBytes(first.ArchivePath), File.ReadAllBytes(second.ArchivePath));
        Assert.Equal(first.ManifestDigest, second.ManifestDigest);
        Assert.NotEqual(first.ManifestDigest, OciImageLayout.Build(SampleImages.Define(greeting: "bye"), temp.Combine("three")).ManifestDigest);
    }

    [Fact]
    public void Archive_holds_the_OCI_layout_and_the_Docker_manifest_with_correct_digests()
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);
        var files = ReadArchive(image.ArchivePath);

        Assert.Equal(
            ["blobs/", "blobs/sha256/", .. new[] { image.ConfigDigest, image.ManifestDigest }.Concat(image.Layers.Select(static l => l.Digest)).Select(static d => d.BlobPath).Order(StringComparer.Ordinal), "index.json", "manifest.json", "oci-layout"],
            files.Keys.ToList());
        foreach (var (name, content) in files.Where(static f => f.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal) && f.Key.Length > 13))
        {
            Assert.Equal(name, Digest.Of(content).BlobPath);
        }

        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", Text(files["oci-layout"]));
        Assert.Equal(
            $$$"""{"manifests":[{"annotations":{"io.containerd.image.name":"vmspec-sample:v1","org.opencontainers.image.ref.name":"v1"},"digest":"{{{image.ManifestDigest}}}","mediaType":"application/vnd.oci.image.manifest.v1+json","size":{{{files[image.ManifestDigest.BlobPath].Length}}}}],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2}""",
            Text(files["index.json"]));
        Assert.Equal(
            $$$"""[{"Config":"{{{image.ConfigDigest.BlobPath}}}","Layers":["{{{image.Layers[0].Digest.BlobPath}}}","{{{image.Layers[1].Digest.BlobPath}}}"],"RepoTags":["vmspec-sample:v1"]}]""",
            Text(files["manifest.json"]));
    }

    [Fact]
    public void Config_and_manifest_JSON_are_canonical()
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);
        var files = ReadArchive(image.ArchivePath);
        var (l0, l1) = (image.Layers[0], image.Layers[1]);

        Assert.Equal(
            $$$"""{"architecture":"amd64","config":{"Cmd":["--flag"],"Entrypoint":["/app/run"],"Env":["MODE=test","PATH=/app"],"Labels":{"a.label":"1","z.label":"2"},"User":"1000:1000","WorkingDir":"/app"},"created":"2023-11-14T22:13:20Z","history":[{"created":"2023-11-14T22:13:20Z","created_by":"base files"},{"created":"2023-11-14T22:13:20Z","created_by":"application"}],"os":"linux","rootfs":{"diff_ids":["{{{l0.DiffId}}}","{{{l1.DiffId}}}"],"type":"layers"}}""",
            Text(files[image.ConfigDigest.BlobPath]));
        Assert.Equal(
            $$$"""{"annotations":{"org.opencontainers.image.created":"2023-11-14T22:13:20Z","org.opencontainers.image.revision":"0123abcd","org.opencontainers.image.source":"https://example.invalid/vmspec"},"config":{"digest":"{{{image.ConfigDigest}}}","mediaType":"application/vnd.oci.image.config.v1+json","size":{{{files[image.ConfigDigest.BlobPath].Length}}}},"layers":[{"digest":"{{{l0.Digest}}}","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":{{{l0.Size}}}},{"digest":"{{{l1.Digest}}}","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":{{{l1.Size}}}}],"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}""",
            Text(files[image.ManifestDigest.BlobPath]));
    }

    [Fact]
    public void Layer_diff_id_is_the_digest_of_the_uncompressed_tar()
    {
        using var temp = new TempDirectory();
        var definition = SampleImages.Define();
        var image = OciImageLayout.Build(definition, temp.Path);

        for (var i = 0; i < definition.Layers.Count; i++)
        {
            Assert.Equal(Digest.Of(TarBytes.Write(definition.Layers[i].Entries, definition.SourceDateEpoch)), image.Layers[i].DiffId);
        }
    }

    [Fact]
    public void Warm_build_reuses_cached_layers_and_gives_the_same_bytes()
    {
        using var temp = new TempDirectory();
        var cache = new LayerCache(temp.Combine("cache"));
        var cold = OciImageLayout.Build(SampleImages.Define(), temp.Combine("cold"), cache);
        var coldBytes = File.ReadAllBytes(cold.ArchivePath);
        var warm = OciImageLayout.Build(SampleImages.Define(), temp.Combine("warm"), cache);
        var changed = OciImageLayout.Build(SampleImages.Define(greeting: "bye"), temp.Combine("changed"), cache);

        Assert.All(cold.Layers, static l => Assert.False(l.FromCache));
        Assert.All(warm.Layers, static l => Assert.True(l.FromCache));
        Assert.Equal(coldBytes, File.ReadAllBytes(warm.ArchivePath));
        Assert.True(changed.Layers[0].FromCache);
        Assert.False(changed.Layers[1].FromCache);
    }

    [Fact]
    public void Damaged_cache_entry_is_rebuilt_not_used()
    {
        using var temp = new TempDirectory();
        var cache = new LayerCache(temp.Combine("cache"));
        var cold = OciImageLayout.Build(SampleImages.Define(), temp.Combine("cold"), cache);
        File.WriteAllBytes(cold.Layers[1].File, [0x1f, 0x8b, 0, 0]);

        var rebuilt = OciImageLayout.Build(SampleImages.Define(), temp.Combine("rebuilt"), cache);

        Assert.True(rebuilt.Layers[0].FromCache);
        Assert.False(rebuilt.Layers[1].FromCache);
        Assert.Equal(cold.ManifestDigest, rebuilt.ManifestDigest);
    }

    [Theory]
    [InlineData("Upper", "v1", "image name 'Upper'")]
    [InlineData("ok", "-bad", "image tag '-bad'")]
    public void Bad_names_are_refused_naming_the_field(string name, string tag, string expected)
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<ImageBuildException>(() => OciImageLayout.Build(SampleImages.Define() with { Name = name, Tag = tag }, temp.Path));
        Assert.Contains(expected, error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Source_date_epoch_is_parsed_strictly()
    {
        Assert.Equal(1_700_000_000, SourceDateEpoch.Parse("1700000000"));
        Assert.Equal("2023-11-14T22:13:20Z", SourceDateEpoch.ToRfc3339(1_700_000_000));
        var error = Assert.Throws<ImageBuildException>(() => SourceDateEpoch.Parse("-5"));
        Assert.Contains("SOURCE_DATE_EPOCH='-5'", error.Message);
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static SortedDictionary<string, byte[]> ReadArchive(string path)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            files[entry.Name] = content.ToArray();
        }

        return files;
    }
}
